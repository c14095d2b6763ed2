import {
  ApiBlueprint,
  configApiRef,
  createFrontendModule,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { scmIntegrationsApiRef } from '@backstage/integration-react';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder';
import { ConfiguredHostsScaffolderClient } from './ConfiguredHostsScaffolderClient';

export {
  ConfiguredHostsScaffolderClient,
  configuredIntegrationHosts,
} from './ConfiguredHostsScaffolderClient';

/** Replaces the scaffolder plugin's API (`api:scaffolder`) with one that offers the configured integrations. */
export const fleetdeckScaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: scaffolderApiRef,
          deps: {
            configApi: configApiRef,
            discoveryApi: discoveryApiRef,
            scmIntegrationsApi: scmIntegrationsApiRef,
            fetchApi: fetchApiRef,
            identityApi: identityApiRef,
          },
          factory: deps => new ConfiguredHostsScaffolderClient(deps),
        }),
    }),
  ],
});
