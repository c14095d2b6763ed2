import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { ConfigReader } from '@backstage/config';
import { DynaliteSandbox, startDynalite } from '@fleetdeck/sandbox';
import { DynamoDbClusterRegistry } from './DynamoDbClusterRegistry';

describe('DynamoDbClusterRegistry', () => {
  let sandbox: DynaliteSandbox;
  let client: DynamoDBClient;
  /** Names of the commands the client sent, in order. */
  let sent: string[];

  beforeEach(async () => {
    sandbox = await startDynalite({ createRegistryTable: true });
    client = new DynamoDBClient({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: sandbox.credentials,
    });
    sent = [];
    client.middlewareStack.add(
      (next, context) => args => {
        sent.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize' },
    );
  });

  afterEach(async () => {
    client?.destroy();
    await sandbox?.stop();
  });

  const cluster = {
    clusterId: 'eks-prod-eu-1',
    name: 'prod-eu-1',
    batchId: 'prod-wave-1',
    environment: 'prod',
    region: 'eu-west-1',
    account: '123456789012',
    roleArn: 'arn:aws:iam::123456789012:role/fleetdeck-upgrades',
    access: { kubernetesClusterName: 'prod-eu-1' },
    gitops: {
      project: 'platform/gitops-prod',
      branch: 'main',
      paths: ['clusters/prod-eu-1/istio/istiod.yaml'],
    },
    istioVersion: '1.23.4',
    istioRevision: '1-23-4',
    owners: ['group:default/platform'],
    status: 'PENDING' as const,
    metrics: { errorRate: 'sum(rate(errors[5m]))' },
    datadogTags: ['cluster_name:prod-eu-1'],
  };

  it("stores items in GUARD's shape: snake_case attributes, nested maps and lists", async () => {
    const registry = new DynamoDbClusterRegistry(client);
    const { updatedAt } = await registry.put(cluster);

    const { Item } = await client.send(
      new GetItemCommand({
        TableName: 'guard-cluster-registry',
        Key: { cluster_id: { S: 'eks-prod-eu-1' } },
      }),
    );
    expect(Item).toEqual({
      cluster_id: { S: 'eks-prod-eu-1' },
      name: { S: 'prod-eu-1' },
      batch_id: { S: 'prod-wave-1' },
      environment: { S: 'prod' },
      region: { S: 'eu-west-1' },
      account: { S: '123456789012' },
      role_arn: { S: 'arn:aws:iam::123456789012:role/fleetdeck-upgrades' },
      access: { M: { kubernetes_cluster_name: { S: 'prod-eu-1' } } },
      gitops: {
        M: {
          project: { S: 'platform/gitops-prod' },
          branch: { S: 'main' },
          paths: { L: [{ S: 'clusters/prod-eu-1/istio/istiod.yaml' }] },
        },
      },
      istio_version: { S: '1.23.4' },
      istio_revision: { S: '1-23-4' },
      owners: { L: [{ S: 'group:default/platform' }] },
      status: { S: 'PENDING' },
      metrics: { M: { error_rate: { S: 'sum(rate(errors[5m]))' } } },
      datadog_tags: { L: [{ S: 'cluster_name:prod-eu-1' }] },
      updated_at: { S: updatedAt },
    });
  });

  it('reads an item another writer stored, with owners as a string set', async () => {
    await client.send(
      new PutItemCommand({
        TableName: 'guard-cluster-registry',
        Item: {
          cluster_id: { S: 'eks-dev-1' },
          name: { S: 'dev-1' },
          batch_id: { S: 'dev-wave-1' },
          environment: { S: 'dev' },
          region: { S: 'us-east-1' },
          access: { M: { kubeconfig_context: { S: 'dev-1' } } },
          gitops: {
            M: {
              project: { S: 'platform/gitops-dev' },
              paths: { L: [{ S: 'istio.yaml' }] },
            },
          },
          istio_version: { S: '1.22.1' },
          owners: { SS: ['group:default/platform'] },
          status: { S: 'HEALTHY' },
          updated_at: { S: '2026-01-02T03:04:05.000Z' },
        },
      }),
    );

    expect(await new DynamoDbClusterRegistry(client).get('eks-dev-1')).toEqual({
      clusterId: 'eks-dev-1',
      name: 'dev-1',
      batchId: 'dev-wave-1',
      environment: 'dev',
      region: 'us-east-1',
      access: { kubeconfigContext: 'dev-1' },
      gitops: { project: 'platform/gitops-dev', paths: ['istio.yaml'] },
      istioVersion: '1.22.1',
      owners: ['group:default/platform'],
      status: 'HEALTHY',
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('follows LastEvaluatedKey through every Scan and Query page', async () => {
    const registry = new DynamoDbClusterRegistry(client);
    const tags = Array.from(
      { length: 40 },
      (_, i) => `t${i}:${'y'.repeat(250)}`,
    );
    for (let i = 0; i < 120; i++) {
      await registry.put({
        ...cluster,
        clusterId: `c-${i}`,
        name: `c-${i}`,
        datadogTags: tags,
      });
    }

    sent = [];
    expect(await registry.listByBatch('prod-wave-1')).toHaveLength(120);
    expect(sent.filter(name => name === 'QueryCommand').length).toBeGreaterThan(
      1,
    );

    sent = [];
    expect(await registry.list()).toHaveLength(120);
    expect(sent.filter(name => name === 'ScanCommand').length).toBeGreaterThan(
      1,
    );
  }, 60_000);

  it('changes a cluster with one conditional UpdateItem', async () => {
    const registry = new DynamoDbClusterRegistry(client);
    await registry.put(cluster);

    sent = [];
    await registry.update('eks-prod-eu-1', { status: 'UPGRADING' });
    await registry.update('unknown', { status: 'UPGRADING' });

    expect(sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
  });

  describe('fromConfig', () => {
    const config = (dynamodb: object) =>
      new ConfigReader({ upgradeWaves: { registry: { dynamodb } } });

    it('connects with the configured endpoint, region and credentials', async () => {
      const registry = DynamoDbClusterRegistry.fromConfig(
        config({
          region: sandbox.region,
          endpoint: sandbox.endpoint,
          credentials: sandbox.credentials,
        }),
      );

      const stored = await registry.put(cluster);
      expect(await registry.get('eks-prod-eu-1')).toEqual(stored);
    });

    it('uses the configured table name', async () => {
      const registry = DynamoDbClusterRegistry.fromConfig(
        config({
          tableName: 'no-such-table',
          region: sandbox.region,
          endpoint: sandbox.endpoint,
          credentials: sandbox.credentials,
        }),
      );

      await expect(registry.get('eks-prod-eu-1')).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    });

    it('requires both keys when credentials are given', () => {
      expect(() =>
        DynamoDbClusterRegistry.fromConfig(
          config({
            region: sandbox.region,
            credentials: { accessKeyId: 'only-the-id' },
          }),
        ),
      ).toThrow(
        "Missing required config value at 'upgradeWaves.registry.dynamodb.credentials.secretAccessKey'",
      );
    });
  });
});
