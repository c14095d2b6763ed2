import type { ConfigApi } from '@backstage/frontend-plugin-api';
import { ScaffolderClient } from '@backstage/plugin-scaffolder';

/** The hosts of the SCM integrations this app's config names (`integrations.<type>[].host`), in config order. */
export function configuredIntegrationHosts(config: ConfigApi): string[] {
  const integrations = config.getOptionalConfig('integrations');
  if (!integrations) return [];
  return integrations.keys().flatMap(type => {
    const entries = integrations.getOptional(type);
    if (!Array.isArray(entries)) return [];
    return entries.flatMap(entry => {
      const host =
        entry && typeof entry === 'object' && !Array.isArray(entry)
          ? entry.host
          : undefined;
      return typeof host === 'string' && host !== '' ? [host] : [];
    });
  });
}

/**
 * Backstage's scaffolder client, except that a RepoUrlPicker without `ui:options.allowedHosts` offers the
 * integrations the app's config names, where Backstage's own client offers none. So Fleetdeck's templates pin
 * no host and publish to whichever GitLab the portal is configured for: gitlab.com, a company GitLab, or the
 * sandbox GitLab on loopback. Integrations Backstage adds by default (github.com, …) are not offered.
 */
export class ConfiguredHostsScaffolderClient extends ScaffolderClient {
  readonly #configuredHosts: string[];

  constructor(
    options: ConstructorParameters<typeof ScaffolderClient>[0] & {
      configApi: ConfigApi;
    },
  ) {
    super(options);
    this.#configuredHosts = configuredIntegrationHosts(options.configApi);
  }

  override async getIntegrationsList(
    options: Parameters<ScaffolderClient['getIntegrationsList']>[0],
  ) {
    return super.getIntegrationsList({
      allowedHosts:
        options.allowedHosts.length > 0
          ? options.allowedHosts
          : this.#configuredHosts,
    });
  }
}
