import { mockServices } from '@backstage/backend-test-utils';
import {
  clusterRegisterPermission,
  waveCreatePermission,
  waveOverrideOrderPermission,
  waveRollbackPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesClientForInitiator } from '../actions/client';
import { UpgradeWavesTestServer } from './UpgradeWavesTestServer';

/** Holds every upgrade-waves permission. */
export const LEAD = 'user:default/lead';
/** May start, roll back and register, but not override the batch order. */
export const OPERATOR = 'user:default/operator';
/** Holds no upgrade-waves permission. */
export const VIEWER = 'user:default/viewer';

/** The upgrade-waves backend the tests talk to: three batches, one wave soaking, one awaiting approval. */
export function startUpgradeWaves() {
  const operator = [
    waveCreatePermission.name,
    waveRollbackPermission.name,
    clusterRegisterPermission.name,
  ];
  return UpgradeWavesTestServer.start({
    grants: {
      [LEAD]: [...operator, waveOverrideOrderPermission.name],
      [OPERATOR]: operator,
      [VIEWER]: [],
    },
    batches: ['test', 'dev-wave-1', 'dev-wave-2', 'staging', 'prod-wave-1'],
    waves: [
      { id: 'wave-soaking', batchId: 'test', status: 'SOAKING' },
      {
        id: 'wave-awaiting',
        batchId: 'dev-wave-2',
        status: 'AWAITING_APPROVAL',
      },
    ],
  });
}

/**
 * Starts the upgrade-waves test backend before each test and stops it after, and gives the client
 * the module would build: it calls that backend with an on-behalf-of token for the task's initiator.
 */
export function useUpgradeWaves() {
  const fleet = {} as {
    server: UpgradeWavesTestServer;
    client: ReturnType<typeof upgradeWavesClientForInitiator>;
  };
  beforeEach(async () => {
    fleet.server = await startUpgradeWaves();
    fleet.client = upgradeWavesClientForInitiator({
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: fleet.server.discovery,
    });
  });
  afterEach(() => fleet.server.stop());
  return fleet;
}
