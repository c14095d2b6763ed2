import { ScmIntegrationsApi } from '@backstage/integration-react';
import { mockApis } from '@backstage/test-utils';
import {
  ConfiguredHostsScaffolderClient,
  configuredIntegrationHosts,
} from './ConfiguredHostsScaffolderClient';

const sandboxConfig = mockApis.config({
  data: {
    integrations: {
      gitlab: [
        {
          host: '127.0.0.1:41234',
          apiBaseUrl: 'http://127.0.0.1:41234/api/v4',
          baseUrl: 'http://127.0.0.1:41234',
        },
        {
          host: 'gitlab.internal.example',
          apiBaseUrl: 'https://gitlab.internal.example/api/v4',
        },
      ],
    },
  },
});

function clientFor(configApi: typeof sandboxConfig) {
  return new ConfiguredHostsScaffolderClient({
    configApi,
    scmIntegrationsApi: ScmIntegrationsApi.fromConfig(configApi),
    discoveryApi: mockApis.discovery(),
    fetchApi: { fetch: jest.fn() },
  });
}

describe('ConfiguredHostsScaffolderClient', () => {
  it('offers the configured integrations to a RepoUrlPicker that names no hosts, not the built-in defaults', async () => {
    await expect(
      clientFor(sandboxConfig).getIntegrationsList({ allowedHosts: [] }),
    ).resolves.toEqual({
      integrations: [
        { type: 'gitlab', title: '127.0.0.1:41234', host: '127.0.0.1:41234' },
        {
          type: 'gitlab',
          title: 'gitlab.internal.example',
          host: 'gitlab.internal.example',
        },
      ],
    });
  });

  it('keeps the hosts a template does name', async () => {
    await expect(
      clientFor(sandboxConfig).getIntegrationsList({
        allowedHosts: ['gitlab.internal.example', 'github.com'],
      }),
    ).resolves.toEqual({
      integrations: [
        // github.com is one of Backstage's default integrations: a template may still ask for it by name
        { type: 'github', title: 'github.com', host: 'github.com' },
        {
          type: 'gitlab',
          title: 'gitlab.internal.example',
          host: 'gitlab.internal.example',
        },
      ],
    });
  });

  it('offers nothing when the app configures no integration', async () => {
    await expect(
      clientFor(mockApis.config({ data: {} })).getIntegrationsList({
        allowedHosts: [],
      }),
    ).resolves.toEqual({ integrations: [] });
  });
});

describe('configuredIntegrationHosts', () => {
  it('reads every integration type’s hosts in config order', () => {
    expect(
      configuredIntegrationHosts(
        mockApis.config({
          data: {
            integrations: {
              github: [{ host: 'github.example.com' }],
              gitlab: [{ host: 'gitlab.example.com' }, { apiBaseUrl: 'x' }],
              googleGcs: { clientEmail: 'a@b' },
            },
          },
        }),
      ),
    ).toEqual(['github.example.com', 'gitlab.example.com']);
  });
});
