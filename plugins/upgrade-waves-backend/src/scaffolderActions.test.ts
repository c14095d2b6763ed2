import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createClusterRegisterAction,
  createUpgradeRollbackAction,
  createUpgradeStartAction,
} from '@fleetdeck/plugin-scaffolder-backend-module-fleetdeck';
import { UpgradeWavesClient } from '@fleetdeck/plugin-upgrade-waves-common';
import { Fleet } from '@fleetdeck/sandbox';
import {
  sandboxWaveConfig,
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import { ADA, NOBODY, waveApi } from './__testUtils__/waveApi';

jest.setTimeout(120_000);

/**
 * The scaffolder actions against this backend itself: they call the REST routes with the template user's
 * token, so they run the same service and meet the same permission checks as the portal's buttons.
 */
describe('the scaffolder actions against the upgrade-waves backend', () => {
  let fleet: Fleet;
  let backend: WaveBackend;
  const { call } = waveApi(() => backend.url);

  const clientFor = (user: string) =>
    new UpgradeWavesClient({
      discoveryApi: { getBaseUrl: async () => backend.url },
      getToken: async () => mockCredentials.user.token(user),
    });

  beforeAll(async () => {
    fleet = await Fleet.startDefault({ sentinel: false });
    backend = await startWaveBackend({
      deniedUsers: [NOBODY],
      config: sandboxWaveConfig(fleet, {
        client: 'better-sqlite3',
        connection: ':memory:',
      }),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  it('starts a wave as the user who runs the template', async () => {
    const action = createUpgradeStartAction({ client: clientFor(ADA) });
    const ctx = createMockActionContext({
      input: {
        batchId: 'test',
        targetVersion: '1.23.0',
        reason: 'from a template',
      },
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('status', 'PRE_CHECKS');
    const waves = (await call('GET', '/waves', ADA)).body;
    expect(waves).toHaveLength(1);
    expect(waves[0]).toMatchObject({ batchId: 'test', createdBy: ADA });
  });

  it('gets the same 403 as the portal for a user without the permission', async () => {
    const waves = (await call('GET', '/waves', ADA)).body;
    const start = createUpgradeStartAction({ client: clientFor(NOBODY) });
    await expect(
      start.handler(
        createMockActionContext({
          input: { batchId: 'dev-wave-1', targetVersion: '1.23.0' },
        }) as any,
      ),
    ).rejects.toThrow(NotAllowedError);
    const rollback = createUpgradeRollbackAction({ client: clientFor(NOBODY) });
    await expect(
      rollback.handler(
        createMockActionContext({ input: { waveId: waves[0].id } }) as any,
      ),
    ).rejects.toThrow(NotAllowedError);
    const register = createClusterRegisterAction({ client: clientFor(NOBODY) });
    await expect(
      register.handler(
        createMockActionContext({
          input: {
            clusterId: 'dev-ap-1',
            name: 'dev-ap-1',
            batchId: 'dev-wave-1',
            environment: 'dev',
            region: 'ap-southeast-1',
            access: { kubernetesClusterName: 'dev-eu-1' },
            gitops: {
              project: 'platform/gitops-dev-wave-1',
              paths: ['a.yaml'],
            },
            istioVersion: '1.22.3',
            owners: ['group:default/platform'],
          },
        }) as any,
      ),
    ).rejects.toThrow(NotAllowedError);
    expect((await call('GET', '/clusters/dev-ap-1', ADA)).status).toBe(404);
    // Nothing started and nothing rolled back (the wave of the test before goes on with its pre-checks meanwhile).
    const after = (await call('GET', '/waves', ADA)).body;
    expect(after.map((w: any) => w.id)).toEqual(waves.map((w: any) => w.id));
    expect(after[0].status).not.toMatch(/ROLL/);
    const detail = (await call('GET', `/waves/${waves[0].id}`, ADA)).body;
    expect(detail.events.length).toBeGreaterThan(0);
    expect(detail.events).not.toContainEqual(
      expect.objectContaining({ actor: NOBODY }),
    );
  });

  it('is refused for a task whose initiator is a service, not a person', async () => {
    const waves = (await call('GET', '/waves', ADA)).body;
    const asService = new UpgradeWavesClient({
      discoveryApi: { getBaseUrl: async () => backend.url },
      getToken: async () => mockCredentials.service.token(),
    });
    await expect(
      createUpgradeStartAction({ client: asService }).handler(
        createMockActionContext({
          input: { batchId: 'dev-wave-1', targetVersion: '1.23.0' },
        }) as any,
      ),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      createUpgradeRollbackAction({ client: asService }).handler(
        createMockActionContext({ input: { waveId: waves[0].id } }) as any,
      ),
    ).rejects.toThrow(NotAllowedError);
    const after = (await call('GET', '/waves', ADA)).body;
    expect(after.map((w: any) => w.id)).toEqual(waves.map((w: any) => w.id));
    expect(after[0].status).not.toMatch(/ROLL/);
  });

  it('registers a cluster for a user who may', async () => {
    const register = createClusterRegisterAction({ client: clientFor(ADA) });
    const ctx = createMockActionContext({
      input: {
        clusterId: 'dev-ap-1',
        name: 'dev-ap-1',
        batchId: 'dev-wave-1',
        environment: 'dev',
        region: 'ap-southeast-1',
        // a registration names a configured kubernetes entry (the sandbox has none called dev-ap-1)
        access: { kubernetesClusterName: 'dev-eu-1' },
        gitops: { project: 'platform/gitops-dev-wave-1', paths: ['a.yaml'] },
        istioVersion: '1.22.3',
        owners: ['group:default/platform'],
      },
    });
    await register.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('clusterId', 'dev-ap-1');
    expect((await call('GET', '/clusters/dev-ap-1', ADA)).body.region).toBe(
      'ap-southeast-1',
    );
  });
});
