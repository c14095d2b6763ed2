import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  databaseServiceOn,
  restCaller,
} from '@fleetdeck/backend-common/testUtils';
import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  startWaveBackend,
  WaveBackend,
} from '../__testUtils__/startWaveBackend';
import { ADA, NOBODY } from '../__testUtils__/waveApi';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A cluster of kubernetes.clusterLocatorMethods: the only way a registration may say how to reach it. */
const CONFIGURED = 'dev-ap-1';

const REGISTRATION = {
  clusterId: 'dev-ap-1',
  name: CONFIGURED,
  batchId: 'dev-wave-1',
  environment: 'dev',
  region: 'ap-southeast-1',
  gitops: {
    project: 'platform/gitops-dev-wave-1',
    paths: ['clusters/dev-ap-1/istio/istiod.yaml'],
  },
  istioVersion: '1.22.3',
  owners: ['group:default/platform'],
};

/** A kubeconfig with one context, for `access.kubeconfigContext`. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: eks-prod
    cluster: { server: 'https://127.0.0.1:9' }
users:
  - name: eks-prod
    user: { token: unused }
contexts:
  - name: eks-prod-context
    context: { cluster: eks-prod, user: eks-prod }
current-context: eks-prod-context
`;

/** Each body the route must refuse, with the field its 400 must name. */
const REFUSED: Array<[string, object, string]> = [
  ['a status', { status: 'HEALTHY' }, 'status'],
  ['metric queries', { metrics: { errorRate: 'vector(0)' } }, 'metrics'],
  [
    'an API server URL and token',
    {
      access: { url: 'https://10.0.0.1', serviceAccountToken: 'stolen' },
    },
    'access.url, access.serviceAccountToken',
  ],
  ['a CA', { access: { caData: 'LS0tLS1CRUdJTg==' } }, 'access.caData'],
  [
    'an unconfigured kubernetes entry',
    { access: { kubernetesClusterName: 'somewhere-else' } },
    'access.kubernetesClusterName',
  ],
  [
    'a name that no kubernetes entry has, without access',
    { clusterId: 'unknown-1', name: 'unknown-1' },
    'access.kubernetesClusterName',
  ],
  [
    'an entry that is not reached with a service account',
    { access: { kubernetesClusterName: 'oidc-cluster' } },
    'access.kubernetesClusterName',
  ],
  [
    'an unknown kubeconfig context',
    { access: { kubeconfigContext: 'nope' } },
    'access.kubeconfigContext',
  ],
  [
    'both an entry and a context',
    {
      access: {
        kubernetesClusterName: CONFIGURED,
        kubeconfigContext: 'eks-prod-context',
      },
    },
    'access',
  ],
  [
    'a name that would break out of the PromQL label matcher',
    { name: 'dev-ap-1"} or vector(1) or x{a="' },
    'name',
  ],
  ['a Datadog wildcard tag', { datadogTags: ['*'] }, 'datadogTags.0'],
  [
    'Datadog tags that select another cluster',
    { datadogTags: ['cluster_name:prod-eu-1'] },
    'datadogTags',
  ],
  ['an unknown field', { url: 'https://10.0.0.1' }, 'url'],
  [
    'an unknown gitops field',
    {
      gitops: { ...REGISTRATION.gitops, token: 'glpat-stolen' },
    },
    'gitops.token',
  ],
];

describe.each(databases.eachSupportedId())(
  'POST /clusters on %s',
  databaseId => {
    let backend: WaveBackend;
    let knex: Knex;
    let dir: string;
    const call = restCaller(() => backend.url, mockCredentials.user.header);
    const clusters = async (): Promise<Cluster[]> =>
      (await call('GET', '/clusters', ADA)).body;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registration-'));
      const kubeconfig = path.join(dir, 'kubeconfig.yaml');
      fs.writeFileSync(kubeconfig, KUBECONFIG);
      backend = await startWaveBackend({
        deniedUsers: [NOBODY],
        database: databaseServiceOn(async () => knex),
        config: {
          backend: { baseUrl: 'http://127.0.0.1' },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: CONFIGURED,
                    url: 'https://127.0.0.1:9',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'unused',
                  },
                  {
                    name: 'seeded-1',
                    url: 'https://127.0.0.1:9',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'unused',
                  },
                  {
                    name: 'oidc-cluster',
                    url: 'https://127.0.0.1:9',
                    authProvider: 'oidc',
                  },
                ],
              },
            ],
          },
          upgradeWaves: {
            kubeconfig,
            // no waves here; the orchestrator has nothing to do
            orchestratorFrequencySeconds: 60,
            registry: {
              // an operator's own queries for one cluster, which a re-registration keeps
              clusters: [
                {
                  ...REGISTRATION,
                  clusterId: 'seeded-1',
                  name: 'seeded-1',
                  metrics: {
                    errorRate: 'sum(rate(errors{cluster="{cluster}"}[5m]))',
                  },
                },
              ],
            },
          },
        },
      });
    });

    afterAll(async () => {
      await backend?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(REFUSED)(
      'refuses %s with a 400 naming the field, and registers nothing',
      async (_what, change, field) => {
        const before = await clusters();
        const response = await call('POST', '/clusters', ADA, {
          ...REGISTRATION,
          ...change,
        });
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.error.message).toContain(`${field}:`);
        expect(await clusters()).toEqual(before);
      },
    );

    it('refuses a dryRun that is neither true nor false', async () => {
      const response = await call(
        'POST',
        '/clusters?dryRun=maybe',
        ADA,
        REGISTRATION,
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('dryRun:');
      expect(
        (await clusters()).map(c => c.clusterId).includes('dev-ap-1'),
      ).toBe(false);
    });

    it('refuses a user without upgrade-waves.cluster.register, also for a dry run', async () => {
      const before = await clusters();
      for (const route of ['/clusters', '/clusters?dryRun=true']) {
        const response = await call('POST', route, NOBODY, REGISTRATION);
        expect(response.status).toBe(403);
      }
      expect(await clusters()).toEqual(before);
    });

    it('checks a registration on a dry run and stores nothing', async () => {
      const before = await clusters();
      const response = await call(
        'POST',
        '/clusters?dryRun=true',
        ADA,
        REGISTRATION,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        clusterId: 'dev-ap-1',
        status: 'PENDING',
      });
      expect(await clusters()).toEqual(before);
    });

    it('registers a new cluster as PENDING, by its kubernetes entry or a kubeconfig context', async () => {
      const byEntry = await call('POST', '/clusters', ADA, REGISTRATION);
      expect(byEntry.status).toBe(201);
      expect(byEntry.body).toMatchObject({
        clusterId: 'dev-ap-1',
        status: 'PENDING',
        access: {},
      });
      expect(byEntry.body.metrics).toBeUndefined();
      const byContext = await call('POST', '/clusters', ADA, {
        ...REGISTRATION,
        clusterId: 'eks-prod',
        name: 'eks-prod',
        access: { kubeconfigContext: 'eks-prod-context' },
        datadogTags: ['cluster_name:eks-prod', 'env:prod'],
      });
      expect(byContext.status).toBe(201);
      expect(byContext.body.status).toBe('PENDING');
      expect(
        (await call('GET', '/clusters/eks-prod', ADA)).body.access,
      ).toEqual({ kubeconfigContext: 'eks-prod-context' });
    });

    it('keeps the status Fleetdeck recorded and the operator’s metric queries on a re-registration', async () => {
      // a wave made the seeded cluster HEALTHY
      await knex('upgrade_waves_clusters')
        .where({ cluster_id: 'seeded-1' })
        .update({ status: 'HEALTHY' });
      const seeded: Cluster = (await call('GET', '/clusters/seeded-1', ADA))
        .body;
      expect(seeded.status).toBe('HEALTHY');

      const again = await call('POST', '/clusters', ADA, {
        ...REGISTRATION,
        clusterId: 'seeded-1',
        name: 'seeded-1',
        region: 'eu-west-3',
      });
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({
        status: 'HEALTHY',
        region: 'eu-west-3',
        metrics: seeded.metrics,
      });
      expect((await call('GET', '/clusters/seeded-1', ADA)).body).toEqual(
        again.body,
      );
    });
  },
);
