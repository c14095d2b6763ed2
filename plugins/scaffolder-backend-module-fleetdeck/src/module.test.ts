import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  TemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import { waveCreatePermission } from '@fleetdeck/plugin-upgrade-waves-common';
import { UpgradeWavesTestServer } from './__testUtils__/UpgradeWavesTestServer';
import { actionContextAs } from './__testUtils__/contexts';
import { scaffolderModuleFleetdeck } from './module';

describe('scaffolderModuleFleetdeck', () => {
  let server: UpgradeWavesTestServer;
  let backend: { stop(): Promise<void> } | undefined;

  beforeEach(async () => {
    server = await UpgradeWavesTestServer.start({
      grants: { 'user:default/amelia': [waveCreatePermission.name] },
      batches: ['dev-wave-1'],
    });
  });

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await server.stop();
  });

  async function registeredActions() {
    const actions: TemplateAction<any, any>[] = [];
    backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...added) => actions.push(...added) },
        ],
      ],
      features: [
        scaffolderModuleFleetdeck,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'https://portal.example.com/' } },
        }),
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => server.discovery,
        }),
      ],
    });
    return actions;
  }

  it('adds the four Fleetdeck actions to the scaffolder', async () => {
    const actions = await registeredActions();

    expect(actions.map(a => a.id)).toEqual([
      'fleetdeck:upgrade:start',
      'fleetdeck:upgrade:rollback',
      'fleetdeck:cluster:register',
      'fleetdeck:cluster:check-registration',
    ]);
  });

  it("calls upgrade-waves with an on-behalf-of token for the template's user and links the wave page", async () => {
    const actions = await registeredActions();
    const start = actions.find(a => a.id === 'fleetdeck:upgrade:start')!;
    const ctx = actionContextAs('user:default/amelia', {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
    });

    await start.handler(ctx);

    expect(server.requestsTo('POST /waves')).toEqual([
      expect.objectContaining({ user: 'user:default/amelia' }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'waveUrl',
      'https://portal.example.com/upgrade-waves/waves/wave-1',
    );
  });
});
