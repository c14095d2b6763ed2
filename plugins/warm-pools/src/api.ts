import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  WarmPoolsApi,
  WarmPoolsClient,
} from '@fleetdeck/plugin-warm-pools-common';

/**
 * The warm-pools backend's API, as the pages use it.
 *
 * @public
 */
export const warmPoolsApiRef = createApiRef<WarmPoolsApi>({
  id: 'plugin.warm-pools.service',
});

/** The browser's client of the warm-pools backend; both plugin forms install this one factory. */
export const warmPoolsApiFactory = createApiFactory({
  api: warmPoolsApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new WarmPoolsClient({ discoveryApi, fetchApi }),
});
