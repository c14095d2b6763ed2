import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  databaseServiceOn,
  fuzzedOperations,
  fuzzRoutes,
  openApiDocumentOf,
  restCaller,
} from '@fleetdeck/backend-common/testUtils';
import type { WaveDetail } from '@fleetdeck/plugin-upgrade-waves-common';
import { parse } from 'yaml';
import {
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import { ADA, NOBODY } from './__testUtils__/waveApi';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const document = openApiDocumentOf(
  '@fleetdeck/plugin-upgrade-waves-backend',
  parse,
);
/** Every route that changes something, as the OpenAPI document lists them, so a new one is not forgotten. */
const mutations = fuzzedOperations(document).filter(op => op.method !== 'GET');

const CLUSTER = {
  clusterId: 'fz-1',
  name: 'fz-1',
  batchId: 'fz-test',
  environment: 'test',
  region: 'eu-west-1',
  gitops: {
    project: 'platform/gitops-fz',
    paths: ['clusters/fz-1/istiod.yaml'],
  },
  istioVersion: '1.22.3',
  owners: ['group:default/platform'],
};

/** A body each mutating route would accept from someone allowed, so that only the caller is wrong. */
const ACCEPTABLE_BODIES: Record<string, unknown> = {
  'POST /clusters': { ...CLUSTER, region: 'us-east-1' },
  'POST /waves': {
    batchId: 'fz-test',
    targetVersion: '1.24.0',
    overrideOrder: true,
  },
};

describe.each(databases.eachSupportedId())(
  'the upgrade-waves routes on %s',
  databaseId => {
    let backend: WaveBackend;
    let waveId: string;
    // `as(header)` calls with that authorization header as it is: a service's or a user's.
    const as = restCaller(
      () => backend.url,
      header => header,
    );
    const asAda = (method: string, path: string, body?: unknown) =>
      as(method, path, mockCredentials.user.header(ADA), body);

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startWaveBackend({
        deniedUsers: [NOBODY],
        database: databaseServiceOn(async () => knex),
        // No fleet: pre-checks fail on clusters nobody can reach, which halts the wave; routes are what is tested.
        config: {
          backend: { baseUrl: 'http://127.0.0.1' },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: ['fz-1', 'fz-2'].map(name => ({
                  name,
                  url: 'https://127.0.0.1:9',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'unused',
                })),
              },
            ],
          },
          upgradeWaves: { orchestratorFrequencySeconds: 1, soakSeconds: 1 },
        },
      });
      const registered = await asAda('POST', '/clusters', CLUSTER);
      const started = await asAda('POST', '/waves', {
        batchId: 'fz-test',
        targetVersion: '1.23.0',
      });
      if (registered.status !== 201 || started.status !== 201) {
        throw new Error(
          `could not set up: ${JSON.stringify([registered, started])}`,
        );
      }
      waveId = started.body.id;
      // Settled, so that nothing but the requests below could change it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const wave: WaveDetail = (await asAda('GET', `/waves/${waveId}`)).body;
        if (wave.status === 'HALTED') break;
        if (Date.now() > deadline) {
          throw new Error(`wave did not halt: ${JSON.stringify(wave)}`);
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    });

    afterAll(async () => {
      await backend?.stop();
    });

    const state = async () => ({
      clusters: (await asAda('GET', '/clusters')).body,
      waves: (await asAda('GET', '/waves')).body,
      wave: (await asAda('GET', `/waves/${waveId}`)).body,
    });

    it.each(mutations.map(op => [op.route, op] as const))(
      'refuses %s to a service principal and to a user without the permission, and changes nothing',
      async (route, op) => {
        const path = op.path
          .replace('{waveId}', waveId)
          .replace('{clusterId}', CLUSTER.clusterId)
          .replace('{batchId}', CLUSTER.batchId);
        const body = ACCEPTABLE_BODIES[route] ?? { comment: 'because' };
        const before = await state();

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
        expect(await state()).toEqual(before);
      },
    );

    it.each([
      ['POST /clusters', 'name', { ...CLUSTER, name: 'n'.repeat(256) }],
      ['POST /clusters', 'batchId', { ...CLUSTER, batchId: 'b'.repeat(101) }],
      [
        'POST /clusters',
        'gitops.project',
        { ...CLUSTER, gitops: { ...CLUSTER.gitops, project: 'p'.repeat(256) } },
      ],
      [
        'POST /clusters',
        'istioVersion',
        { ...CLUSTER, istioVersion: `1.22.3-${'r'.repeat(300)}` },
      ],
      [
        'POST /waves',
        'targetVersion',
        { batchId: 'fz-test', targetVersion: `1.24.0-${'r'.repeat(300)}` },
      ],
      [
        'POST /waves',
        'batchId',
        { batchId: 'b'.repeat(101), targetVersion: '1.24.0' },
      ],
      ['POST /waves/{waveId}/cancel', 'comment', { comment: 'c'.repeat(2001) }],
    ])(
      'answers %s with a %s longer than it stores with a 400 naming the field, and stores nothing',
      async (route, field, body) => {
        const [method, path] = route.split(' ');
        const before = await state();

        const response = await asAda(
          method,
          path.replace('{waveId}', waveId),
          body,
        );

        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(`${field}: `);
        expect(await state()).toEqual(before);
      },
    );

    it('answers a path parameter of 300 characters or with a NUL with a 400 or 404', async () => {
      const routes = fuzzedOperations(document).filter(
        op => op.pathParameters.length,
      );
      const answers: string[] = [];
      for (const op of routes) {
        for (const value of ['w'.repeat(300), 'a%00b']) {
          const path = op.pathParameters.reduce(
            (p, param) => p.replace(`{${param.name}}`, value),
            op.path,
          );
          const { status } = await asAda(
            op.method,
            path,
            op.method === 'GET' ? undefined : { comment: 'x' },
          );
          answers.push(`${op.route} ${value.slice(0, 5)} ${status}`);
        }
      }

      expect(answers.filter(a => !/ (400|404)$/.test(a))).toEqual([]);
      expect(answers.length).toBe(routes.length * 2);
    });

    it('answers any request to any route, however odd, with something other than a 5xx', async () => {
      const { statuses } = await fuzzRoutes({
        document,
        baseUrl: backend.url,
        authorization: mockCredentials.user.header(ADA),
        known: {
          waveId: [waveId],
          clusterId: [CLUSTER.clusterId, 'fz-2'],
          batchId: [CLUSTER.batchId, 'fz-next'],
          targetVersion: ['1.23.0', '1.24.0-rc.1'],
          istioVersion: ['1.22.3', '1.23.0'],
          owners: [CLUSTER.owners, []],
          entityRef: ['component:default/cart', 'component:default/nope'],
        },
      });

      // Every route of the document got its requests (a 5xx would have failed the run above).
      expect(Object.keys(statuses)).toEqual(
        fuzzedOperations(document).map(op => op.route),
      );
    });
  },
);
