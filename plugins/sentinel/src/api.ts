import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { SentinelApi, SentinelClient } from '@fleetdeck/plugin-sentinel-common';

/**
 * The sentinel backend's API, as the pages use it.
 *
 * @public
 */
export const sentinelApiRef = createApiRef<SentinelApi>({
  id: 'plugin.sentinel.service',
});

/** The browser's client of the sentinel backend; both plugin forms install this one factory. */
export const sentinelApiFactory = createApiFactory({
  api: sentinelApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new SentinelClient({ discoveryApi, fetchApi }),
});
