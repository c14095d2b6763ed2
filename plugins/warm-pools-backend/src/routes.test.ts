import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  databaseServiceOn,
  fuzzedOperations,
  fuzzRoutes,
  openApiDocumentOf,
  restCaller,
} from '@fleetdeck/backend-common/testUtils';
import {
  kubernetesConfig,
  SandboxCluster,
  typeOfKind,
  waitFor,
  WarmPoolProvisioner,
} from '@fleetdeck/sandbox';
import { parse } from 'yaml';
import {
  startWarmPoolsBackend,
  WarmPoolsBackend,
} from './__testUtils__/startWarmPoolsBackend';

jest.setTimeout(120_000);

const ADA = 'user:default/ada';
const NOBODY = 'user:default/nobody';
const POOL = { cluster: 'wp-fz', namespace: 'sessions', pool: 'warm' };

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const document = openApiDocumentOf(
  '@fleetdeck/plugin-warm-pools-backend',
  parse,
);
/** Every route that changes something, as the OpenAPI document lists them, so a new one is not forgotten. */
const mutations = fuzzedOperations(document).filter(op => op.method !== 'GET');

describe('the warm-pools routes', () => {
  let cluster: SandboxCluster;
  let provisioner: WarmPoolProvisioner;

  /** The pool's pods in the cluster itself, not as the backend saw them. */
  const podsInCluster = () =>
    cluster.store
      .list(typeOfKind('Pod'), POOL.namespace)
      .filter(p => p.metadata.labels?.pool === POOL.pool)
      .map(p => `${p.metadata.name} ${p.metadata.deletionTimestamp ?? ''}`)
      .sort();

  beforeAll(async () => {
    cluster = await SandboxCluster.start({
      name: POOL.cluster,
      timeToReady: { kind: 'fixed', ms: 100 },
      bookmarkIntervalMs: 200,
    });
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: POOL.namespace,
      size: 3,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 120_000 },
    });
    provisioner.start();
  });

  afterAll(async () => {
    provisioner?.stop();
    await cluster?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let backend: WarmPoolsBackend;
    // `as(header)` calls with that authorization header as it is: a service's or a user's.
    const as = restCaller(
      () => backend.url,
      header => header,
    );
    const poolPath = `/pools/${POOL.cluster}/${POOL.namespace}/${POOL.pool}`;
    const servedPods = async (): Promise<string[]> =>
      (
        await as('GET', `${poolPath}/pods`, mockCredentials.user.header(ADA))
      ).body.pods?.map((p: { name: string }) => p.name) ?? [];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startWarmPoolsBackend({
        deniedUsers: [NOBODY],
        database: databaseServiceOn(async () => knex),
        config: {
          backend: { baseUrl: 'http://127.0.0.1' },
          kubernetes: kubernetesConfig([cluster]),
          warmPools: { history: { intervalSeconds: 1 } },
        },
      });
      // The pool healed and seen by the backend, so that nothing but the requests below changes it.
      await waitFor('the pool at its target', 20_000, async () => {
        const truth = provisioner.truth();
        const served = await servedPods();
        return truth.warmReady === 3 &&
          truth.warmPending === 0 &&
          served.length === 3
          ? served
          : undefined;
      });
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it.each(mutations.map(op => [op.route, op] as const))(
      'refuses %s to a service principal and to a user without the permission, and changes nothing',
      async (_route, op) => {
        const [pod] = await servedPods();
        const path = op.path
          .replace('{cluster}', POOL.cluster)
          .replace('{namespace}', POOL.namespace)
          .replace('{pool}', POOL.pool)
          .replace('{pod}', pod);
        const before = podsInCluster();

        const service = await as(
          op.method,
          path,
          mockCredentials.service.header(),
          {},
        );
        const denied = await as(
          op.method,
          path,
          mockCredentials.user.header(NOBODY),
          {},
        );

        expect([service.status, service.body.error.name]).toEqual([
          403,
          'NotAllowedError',
        ]);
        expect([denied.status, denied.body.error.name]).toEqual([
          403,
          'NotAllowedError',
        ]);
        expect(podsInCluster()).toEqual(before);
        expect(before).toContain(`${pod} `);
      },
    );

    it('answers any request to any route, however odd, with something other than a 5xx', async () => {
      const { statuses } = await fuzzRoutes({
        document,
        baseUrl: backend.url,
        authorization: mockCredentials.user.header(ADA),
        known: {
          ...Object.fromEntries(
            Object.entries(POOL).map(([name, value]) => [name, [value]]),
          ),
          pod: [...(await servedPods()), 'session-provisioner'],
        },
      });

      // Every route of the document got its requests (a 5xx would have failed the run above).
      expect(Object.keys(statuses)).toEqual(
        fuzzedOperations(document).map(op => op.route),
      );
    });
  });
});
