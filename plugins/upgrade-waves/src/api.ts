import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  UpgradeWavesApi,
  UpgradeWavesClient,
} from '@fleetdeck/plugin-upgrade-waves-common';

/**
 * The upgrade-waves backend's API, as the pages use it.
 *
 * @public
 */
export const upgradeWavesApiRef = createApiRef<UpgradeWavesApi>({
  id: 'plugin.upgrade-waves.service',
});

/** The browser's client of the upgrade-waves backend; both plugin forms install this one factory. */
export const upgradeWavesApiFactory = createApiFactory({
  api: upgradeWavesApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new UpgradeWavesClient({ discoveryApi, fetchApi }),
});
