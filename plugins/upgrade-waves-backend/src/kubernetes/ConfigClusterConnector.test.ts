import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { SandboxCluster } from '@fleetdeck/sandbox';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ConfigClusterConnector } from './ConfigClusterConnector';
import {
  kubernetesConfig,
  registryCluster,
  startSandboxCluster,
} from './__testUtils__/sandboxClusters';

async function namespaceNames(kc: KubeConfig): Promise<string[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespace();
  return list.items.map(n => n.metadata!.name!);
}

describe('ConfigClusterConnector', () => {
  let east: SandboxCluster;
  let west: SandboxCluster;
  let dir: string;

  beforeAll(async () => {
    east = await startSandboxCluster('east-1');
    west = await startSandboxCluster('west-1');
    east.ensureNamespace('only-in-east');
    dir = await mkdtemp(join(tmpdir(), 'connector-test-'));
  });

  afterAll(async () => {
    await east.stop();
    await west.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches the cluster of the kubernetes.clusterLocatorMethods entry named like the registry cluster', async () => {
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({ kubernetes: kubernetesConfig([east, west]) }),
    );

    const kc = connector.connect(registryCluster('east-1'));

    expect(kc.getCurrentCluster()?.server).toBe(east.url);
    expect(await namespaceNames(kc)).toContain('only-in-east');
    expect(
      await namespaceNames(connector.connect(registryCluster('west-1'))),
    ).not.toContain('only-in-east');
  });

  it('selects the entry named by access.kubernetesClusterName over the cluster name', async () => {
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({ kubernetes: kubernetesConfig([east, west]) }),
    );

    const kc = connector.connect(
      registryCluster('prod-eu-1', { kubernetesClusterName: 'east-1' }),
    );

    expect(await namespaceNames(kc)).toContain('only-in-east');
  });

  it('throws a NotFoundError naming a cluster that no entry reaches', () => {
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({ kubernetes: kubernetesConfig([east]) }),
    );

    expect(() => connector.connect(registryCluster('nowhere-1'))).toThrow(
      NotFoundError,
    );
    expect(() => connector.connect(registryCluster('nowhere-1'))).toThrow(
      /nowhere-1/,
    );
  });

  it('has no clusters when the kubernetes config is absent', () => {
    const connector = ConfigClusterConnector.fromConfig(new ConfigReader({}));

    expect(() => connector.connect(registryCluster('east-1'))).toThrow(
      NotFoundError,
    );
  });

  it('reaches a cluster through the kubeconfig context named by access.kubeconfigContext', async () => {
    const file = join(dir, 'kubeconfig.yaml');
    await writeFile(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'west',
            cluster: { server: west.url, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'west-admin', user: { token: west.token } }],
        contexts: [
          {
            name: 'west-ctx',
            context: { cluster: 'west', user: 'west-admin' },
          },
        ],
        'current-context': 'west-ctx',
      }),
    );
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({
        kubernetes: kubernetesConfig([east]),
        upgradeWaves: { kubeconfig: file },
      }),
    );

    const kc = connector.connect(
      registryCluster('east-1', { kubeconfigContext: 'west-ctx' }),
    );

    expect(kc.getCurrentCluster()?.server).toBe(west.url);
    expect(await namespaceNames(kc)).not.toContain('only-in-east');
    expect(() =>
      connector.connect(
        registryCluster('east-1', { kubeconfigContext: 'missing-ctx' }),
      ),
    ).toThrow(/east-1.*missing-ctx/);
  });

  it('throws a NotFoundError for a kubeconfig context when no kubeconfig is configured', () => {
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({ kubernetes: kubernetesConfig([east]) }),
    );

    expect(() =>
      connector.connect(
        registryCluster('east-1', { kubeconfigContext: 'east-ctx' }),
      ),
    ).toThrow(/upgradeWaves\.kubeconfig is not configured/);
  });

  it('rejects a kubeconfig path it cannot read, naming the option', () => {
    expect(() =>
      ConfigClusterConnector.fromConfig(
        new ConfigReader({
          upgradeWaves: { kubeconfig: join(dir, 'does-not-exist') },
        }),
      ),
    ).toThrow(/upgradeWaves\.kubeconfig/);
  });

  it('refuses entries with an auth provider other than serviceAccount with an InputError', () => {
    const connector = ConfigClusterConnector.fromConfig(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [{ name: 'eks-1', url: east.url, authProvider: 'aws' }],
            },
          ],
        },
      }),
    );

    expect(() => connector.connect(registryCluster('eks-1'))).toThrow(
      InputError,
    );
  });
});
