import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { recordingSignals } from '@fleetdeck/backend-common/testUtils';
import fleetdeckModule from '@fleetdeck/plugin-scaffolder-backend-module-fleetdeck';
import { clusterRegisterPermission } from '@fleetdeck/plugin-upgrade-waves-common';
import { Fleet } from '@fleetdeck/sandbox';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { sandboxWaveConfig } from './__testUtils__/startWaveBackend';
import { ADA, NOBODY } from './__testUtils__/waveApi';
import { upgradeWavesPlugin } from './plugin';

jest.setTimeout(180_000);

const TEMPLATE_FILE = path.resolve(
  __dirname,
  '../../../templates/istio-upgrade-onboarding/template.yaml',
);
const PROJECT = 'platform/gitops-dev-wave-1';

/** Allows everything but registering clusters to NOBODY: the scaffolder itself lets them run the template. */
const permissionsWithoutRegister = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], { credentials }: any) {
      const user = credentials?.principal?.userEntityRef;
      return requests.map(({ permission }) => ({
        result:
          user === NOBODY && permission.name === clusterRegisterPermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any;
    },
    async authorizeConditional(requests: any[]) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
    },
  }),
});

/**
 * The onboarding template run for real: the scaffolder with the GitLab and Fleetdeck actions, the upgrade-waves
 * backend they call, and the sandbox GitLab the merge request goes to.
 */
describe('the istio-upgrade-onboarding template', () => {
  let fleet: Fleet;
  let backend: { stop(): Promise<void> };
  let baseUrl: string;

  beforeAll(async () => {
    fleet = await Fleet.startDefault({ sentinel: false });
    const config = sandboxWaveConfig(fleet, {
      client: 'better-sqlite3',
      connection: ':memory:',
    }) as any;
    // A new cluster the portal is configured to reach, but not yet registered.
    const sandboxCluster =
      config.kubernetes.clusterLocatorMethods[0].clusters[0];
    config.kubernetes.clusterLocatorMethods[0].clusters.push({
      ...sandboxCluster,
      name: 'dev-eu-9',
    });
    const template: Entity = parse(fs.readFileSync(TEMPLATE_FILE, 'utf8'));
    template.metadata.namespace = 'default';
    template.metadata.annotations = {
      'backstage.io/managed-by-location': `file:${TEMPLATE_FILE}`,
    };
    const started = await startTestBackend({
      features: [
        scaffolderPlugin,
        gitlabModule,
        fleetdeckModule,
        upgradeWavesPlugin,
        mockServices.rootConfig.factory({
          data: { ...config, app: { baseUrl: 'http://127.0.0.1:3000' } },
        }),
        mockServices.rootLogger.factory({ level: 'none' }),
        databaseServiceFactory,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [template] }),
        permissionsWithoutRegister,
        recordingSignals([]),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ async send() {} }),
        }),
      ],
    });
    backend = started;
    const { port } = started.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/api`;
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  const values = {
    clusterId: 'dev-eu-9',
    batchId: 'dev-wave-1',
    environment: 'dev',
    region: 'eu-west-1',
    owner: 'group:default/platform',
    istioVersion: '1.22.3',
    gatewayNamespace: 'istio-ingress',
    gatewayServiceType: 'ClusterIP',
    helmRepositoryUrl: 'https://istio-release.storage.googleapis.com/charts',
    gitopsBranch: 'main',
  };

  async function run(user: string) {
    const gitlabHost = fleet.gitlab.url.replace(/^http:\/\//, '');
    const response = await fetch(`${baseUrl}/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header(user),
      },
      body: JSON.stringify({
        templateRef: 'template:default/istio-upgrade-onboarding',
        values: {
          ...values,
          gitopsRepoUrl: `${gitlabHost}?owner=platform&repo=gitops-dev-wave-1`,
        },
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const deadline = Date.now() + 90_000;
    for (;;) {
      const task = await fetch(`${baseUrl}/scaffolder/v2/tasks/${id}`, {
        headers: { authorization: mockCredentials.user.header(user) },
      }).then(r => r.json() as Promise<{ status: string }>);
      if (task.status === 'completed' || task.status === 'failed') {
        const events = await fetch(
          `${baseUrl}/scaffolder/v2/tasks/${id}/events`,
          { headers: { authorization: mockCredentials.user.header(user) } },
        ).then(
          r =>
            r.json() as Promise<
              Array<{
                body: { message?: string; stepId?: string; status?: string };
              }>
            >,
        );
        return { status: task.status, events };
      }
      if (Date.now() > deadline) {
        throw new Error(`task ${id} is still ${task.status}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  const onboardingRequests = () =>
    fleet.gitlab
      .listMergeRequests(PROJECT)
      .filter(mr => mr.sourceBranch === 'onboard/dev-eu-9-istio');

  it('fails for a user without upgrade-waves.cluster.register before anything exists in GitLab', async () => {
    const writesBefore = fleet.gitlab
      .requestLog()
      .filter(r => r.method === 'POST' && r.status < 300).length;

    const { status, events } = await run(NOBODY);

    expect(status).toBe('failed');
    const messages = events.map(e => e.body.message ?? '').join('\n');
    expect(messages).toContain(
      "You are not allowed to register cluster 'dev-eu-9'; it needs the 'upgrade-waves.cluster.register' permission",
    );
    // the first step failed; the merge request step never ran
    const statusOf = (stepId: string) =>
      events.filter(e => e.body.stepId === stepId).map(e => e.body.status);
    expect(statusOf('check-registration')).toContain('failed');
    expect(statusOf('open-mr')).toEqual(['skipped']);
    expect(statusOf('register')).toEqual(['skipped']);
    expect(onboardingRequests()).toEqual([]);
    expect(
      fleet.gitlab
        .requestLog()
        .filter(r => r.method === 'POST' && r.status < 300),
    ).toHaveLength(writesBefore);
    const cluster = await fetch(`${baseUrl}/upgrade-waves/clusters/dev-eu-9`, {
      headers: { authorization: mockCredentials.user.header(ADA) },
    });
    expect(cluster.status).toBe(404);
  });

  it('opens the merge request and registers the cluster for a user who may', async () => {
    const { status, events } = await run(ADA);

    expect({
      status,
      failed: events.filter(e => /error|fail/i.test(e.body.message ?? '')),
    }).toMatchObject({ status: 'completed' });
    expect(onboardingRequests()).toHaveLength(1);
    const cluster = await fetch(`${baseUrl}/upgrade-waves/clusters/dev-eu-9`, {
      headers: { authorization: mockCredentials.user.header(ADA) },
    }).then(r => r.json());
    expect(cluster).toMatchObject({
      clusterId: 'dev-eu-9',
      batchId: 'dev-wave-1',
      status: 'PENDING',
      gitops: { project: PROJECT },
    });
  });
});
