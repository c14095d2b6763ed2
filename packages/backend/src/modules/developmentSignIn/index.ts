import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { developmentAuthenticator } from './authenticator';

/**
 * Auth provider `development`: sign in as any User entity of the catalog by name, with the groups the catalog
 * gives it. For trying Fleetdeck (and testing four-eyes approvals) without an identity provider.
 */
export const authModuleDevelopmentProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'development-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'development',
          factory: createProxyAuthProviderFactory({
            authenticator: developmentAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});

export { DEVELOPMENT_USER_HEADER } from './authenticator';
