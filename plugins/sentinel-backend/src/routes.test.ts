import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  databaseServiceOn,
  fuzzedOperations,
  fuzzRoutes,
  openApiDocumentOf,
  restCaller,
} from '@fleetdeck/backend-common/testUtils';
import type { GroupTopology } from '@fleetdeck/plugin-sentinel-common';
import { SentinelTopology, waitFor } from '@fleetdeck/sandbox';
import { parse } from 'yaml';
import {
  SentinelBackend,
  startSentinelBackend,
} from './__testUtils__/startSentinelBackend';

jest.setTimeout(120_000);

const ADA = 'user:default/ada';
const NOBODY = 'user:default/nobody';
const GROUP = 'sessions-fz';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const document = openApiDocumentOf('@fleetdeck/plugin-sentinel-backend', parse);
/** Every route that changes something, as the OpenAPI document lists them, so a new one is not forgotten. */
const mutations = fuzzedOperations(document).filter(op => op.method !== 'GET');

describe('the sentinel routes', () => {
  let topology: SentinelTopology;

  beforeAll(async () => {
    topology = await SentinelTopology.start({
      masterName: 'sessions',
      downAfterMs: 2000,
      failoverTimeoutMs: 10000,
    });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let backend: SentinelBackend;
    // `as(header)` calls with that authorization header as it is: a service's or a user's.
    const as = restCaller(
      () => backend.url,
      header => header,
    );
    const asAda = (path: string) =>
      as('GET', path, mockCredentials.user.header(ADA));

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startSentinelBackend({
        deniedUsers: [NOBODY],
        database: databaseServiceOn(async () => knex),
        config: {
          backend: { baseUrl: 'http://127.0.0.1' },
          sentinel: {
            pollIntervalMs: 300,
            // Generous: a slow command under load would answer 503, which this test counts as a failure.
            commandTimeoutMs: 5000,
            reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
            lag: { sampleIntervalMs: 500 },
            failover: { confirmTimeoutMs: 15_000 },
            groups: [
              {
                name: GROUP,
                masterName: 'sessions',
                sentinels: topology
                  .sentinelAddresses()
                  .map(s => `${s.host}:${s.port}`),
              },
            ],
          },
        },
      });
      // Healthy and settled (an earlier run's failovers over), so that nothing but the requests below changes it.
      await waitFor('a healthy group', 45_000, async () => {
        const t: GroupTopology = (await asAda(`/groups/${GROUP}/topology`))
          .body;
        const linked = t.replicas.filter(
          r => r.reachable && r.linkStatus === 'up',
        );
        return t.health === 'healthy' && linked.length === 2 ? t : undefined;
      });
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it.each(mutations.map(op => [op.route, op] as const))(
      'refuses %s to a service principal and to a user without the permission, and changes nothing',
      async (_route, op) => {
        const path = op.path.replace('{group}', GROUP);
        const body = { reason: 'game day' };
        const master = await topology.currentMaster();
        const failovers = (await asAda(`/groups/${GROUP}/failovers`)).body;

        const service = await as(
          op.method,
          path,
          mockCredentials.service.header(),
          body,
        );
        const denied = await as(
          op.method,
          path,
          mockCredentials.user.header(NOBODY),
          body,
        );

        expect([service.status, service.body.error.name]).toEqual([
          403,
          'NotAllowedError',
        ]);
        expect([denied.status, denied.body.error.name]).toEqual([
          403,
          'NotAllowedError',
        ]);
        expect((await asAda(`/groups/${GROUP}/failovers`)).body).toEqual(
          failovers,
        );
        expect(await topology.currentMaster()).toEqual(master);
      },
    );

    it('answers any request to any route, however odd, with something other than a 5xx', async () => {
      // A well-formed failover request really fails the group over; the ones that follow meet it in progress (409).
      const { statuses } = await fuzzRoutes({
        document,
        baseUrl: backend.url,
        authorization: mockCredentials.user.header(ADA),
        known: { group: [GROUP] },
      });

      // Every route of the document got its requests (a 5xx would have failed the run above).
      expect(Object.keys(statuses)).toEqual(
        fuzzedOperations(document).map(op => op.route),
      );
    });
  });
});
