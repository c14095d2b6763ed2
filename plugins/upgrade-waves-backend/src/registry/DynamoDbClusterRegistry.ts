import {
  AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DeleteItemCommandOutput,
  DynamoDBClient,
  DynamoDBClientConfig,
  GetItemCommand,
  GetItemCommandOutput,
  PutItemCommand,
  PutItemCommandOutput,
  QueryCommand,
  QueryCommandOutput,
  ScanCommand,
  ScanCommandOutput,
  UpdateItemCommand,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  Cluster,
  ClusterAccess,
  ClusterStatus,
  MetricQueries,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { DEFAULT_TIMEOUTS, readTimeouts } from '../config';
import { byBatchThenName } from './order';
import { ClusterRegistry, ClusterStateUpdate } from './types';

/** GUARD's table name. */
export const DEFAULT_REGISTRY_TABLE_NAME = 'guard-cluster-registry';
/** GUARD's index on `batch_id`. */
export const REGISTRY_BATCH_INDEX_NAME = 'batch_id-index';

type Item = Record<string, AttributeValue>;

/** Per call: the caller's signal cancels it, as the timeout does. */
export interface RegistryCallOptions {
  signal?: AbortSignal;
}

export interface DynamoDbClusterRegistryOptions {
  /** How long one call may take, the SDK's own retries included; 10 s by default. */
  timeoutMs?: number;
  /** The endpoint's host, to name in errors; the client's region endpoint when absent. */
  host?: string;
}

/**
 * The `dynamodb` store: GUARD's `guard-cluster-registry` table, keyed by `cluster_id`, with the `batch_id-index`
 * GSI. Items keep GUARD's snake_case attribute names, nested values as maps, so GUARD and Fleetdeck can share a table.
 */
export class DynamoDbClusterRegistry implements ClusterRegistry {
  /** Reads `upgradeWaves.registry.dynamodb`; without credentials there, the SDK's default provider chain is used. */
  static fromConfig(config: Config): DynamoDbClusterRegistry {
    const dynamodb = config.getOptionalConfig('upgradeWaves.registry.dynamodb');
    const credentials = dynamodb?.getOptionalConfig('credentials');
    const region = dynamodb?.getOptionalString('region');
    const endpoint = dynamodb?.getOptionalString('endpoint');
    const clientConfig: DynamoDBClientConfig = {
      region,
      endpoint,
      credentials: credentials && {
        accessKeyId: credentials.getString('accessKeyId'),
        secretAccessKey: credentials.getString('secretAccessKey'),
      },
    };
    return new DynamoDbClusterRegistry(
      new DynamoDBClient(clientConfig),
      dynamodb?.getOptionalString('tableName') ?? DEFAULT_REGISTRY_TABLE_NAME,
      {
        timeoutMs: readTimeouts(config).dynamodbMs,
        host: endpoint
          ? new URL(endpoint).host
          : `dynamodb.${region ?? '(default region)'}.amazonaws.com`,
      },
    );
  }

  private readonly timeoutMs: number;
  private readonly host: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string = DEFAULT_REGISTRY_TABLE_NAME,
    options: DynamoDbClusterRegistryOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS.dynamodbMs;
    this.host = options.host ?? 'DynamoDB';
  }

  /**
   * Sends `command` under the timeout and the caller's signal. Out of time, it fails with a retryable
   * ServiceUnavailableError naming the host, the table and `action`; the caller's abort comes out as the SDK
   * reports it.
   */
  private async send<Output>(
    command: { input: unknown },
    action: string,
    options: RegistryCallOptions,
  ): Promise<Output> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const { signal } = options;
    try {
      // the SDK's send is overloaded per command; each caller names the output it gets
      return (await this.client.send(command as any, {
        abortSignal: AbortSignal.any(signal ? [signal, timeout] : [timeout]),
      })) as Output;
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) {
        throw new ServiceUnavailableError(
          `DynamoDB at ${this.host} did not answer within ${this.timeoutMs} ms when asked to ${action} in table ${this.tableName}`,
        );
      }
      throw error;
    }
  }

  async list(options: RegistryCallOptions = {}): Promise<Cluster[]> {
    const clusters: Cluster[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.send<ScanCommandOutput>(
        new ScanCommand({
          TableName: this.tableName,
          ExclusiveStartKey: startKey,
        }),
        'list the clusters',
        options,
      );
      clusters.push(...(page.Items ?? []).map(toCluster));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return clusters.sort(byBatchThenName);
  }

  async listByBatch(
    batchId: string,
    options: RegistryCallOptions = {},
  ): Promise<Cluster[]> {
    const clusters: Cluster[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.send<QueryCommandOutput>(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: REGISTRY_BATCH_INDEX_NAME,
          KeyConditionExpression: 'batch_id = :batch',
          ExpressionAttributeValues: { ':batch': { S: batchId } },
          ExclusiveStartKey: startKey,
        }),
        `list the clusters of batch ${batchId}`,
        options,
      );
      clusters.push(...(page.Items ?? []).map(toCluster));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return clusters.sort(byBatchThenName);
  }

  async get(
    clusterId: string,
    options: RegistryCallOptions = {},
  ): Promise<Cluster | undefined> {
    const { Item } = await this.send<GetItemCommandOutput>(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { cluster_id: { S: clusterId } },
        // The registry is the source of truth for a wave's next step: read what was last written.
        ConsistentRead: true,
      }),
      `read cluster ${clusterId}`,
      options,
    );
    return Item ? toCluster(Item) : undefined;
  }

  async put(
    cluster: Omit<Cluster, 'updatedAt'>,
    options: RegistryCallOptions = {},
  ): Promise<Cluster> {
    const stored: Cluster = { ...cluster, updatedAt: new Date().toISOString() };
    await this.send<PutItemCommandOutput>(
      new PutItemCommand({ TableName: this.tableName, Item: toItem(stored) }),
      `write cluster ${cluster.clusterId}`,
      options,
    );
    return stored;
  }

  async update(
    clusterId: string,
    update: ClusterStateUpdate,
    options: RegistryCallOptions = {},
  ): Promise<Cluster | undefined> {
    const assignments: Array<[string, string]> = [
      ['updated_at', new Date().toISOString()],
    ];
    if (update.status !== undefined) {
      assignments.push(['status', update.status]);
    }
    if (update.istioVersion !== undefined) {
      assignments.push(['istio_version', update.istioVersion]);
    }
    if (update.istioRevision !== undefined) {
      assignments.push(['istio_revision', update.istioRevision]);
    }

    // `status` is a DynamoDB reserved word, so every attribute goes through a name placeholder.
    const names: Record<string, string> = { '#id': 'cluster_id' };
    const values: Item = {};
    const sets = assignments.map(([attribute, value], i) => {
      names[`#a${i}`] = attribute;
      values[`:v${i}`] = { S: value };
      return `#a${i} = :v${i}`;
    });

    try {
      const { Attributes } = await this.send<UpdateItemCommandOutput>(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { cluster_id: { S: clusterId } },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
        `update cluster ${clusterId}`,
        options,
      );
      return Attributes ? toCluster(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(
    clusterId: string,
    options: RegistryCallOptions = {},
  ): Promise<boolean> {
    const { Attributes } = await this.send<DeleteItemCommandOutput>(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { cluster_id: { S: clusterId } },
        ReturnValues: 'ALL_OLD',
      }),
      `delete cluster ${clusterId}`,
      options,
    );
    return Attributes !== undefined;
  }
}

const s = (value: string): AttributeValue => ({ S: value });
const strings = (values: string[]): AttributeValue => ({ L: values.map(s) });

/** A map of the defined string values only: DynamoDB has no `undefined`. */
function stringMap(
  entries: Record<string, string | undefined>,
): AttributeValue {
  const map: Item = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined) map[key] = s(value);
  }
  return { M: map };
}

function toItem(cluster: Cluster): Item {
  const item: Item = {
    cluster_id: s(cluster.clusterId),
    name: s(cluster.name),
    batch_id: s(cluster.batchId),
    environment: s(cluster.environment),
    region: s(cluster.region),
    access: stringMap({
      kubernetes_cluster_name: cluster.access.kubernetesClusterName,
      kubeconfig_context: cluster.access.kubeconfigContext,
    }),
    gitops: {
      M: {
        project: s(cluster.gitops.project),
        ...(cluster.gitops.branch !== undefined && {
          branch: s(cluster.gitops.branch),
        }),
        paths: strings(cluster.gitops.paths),
      },
    },
    istio_version: s(cluster.istioVersion),
    owners: strings(cluster.owners),
    status: s(cluster.status),
    updated_at: s(cluster.updatedAt),
  };
  if (cluster.account !== undefined) item.account = s(cluster.account);
  if (cluster.roleArn !== undefined) item.role_arn = s(cluster.roleArn);
  if (cluster.istioRevision !== undefined) {
    item.istio_revision = s(cluster.istioRevision);
  }
  if (cluster.metrics !== undefined) {
    item.metrics = stringMap({
      request_rate: cluster.metrics.requestRate,
      error_rate: cluster.metrics.errorRate,
      latency_p95_ms: cluster.metrics.latencyP95Ms,
    });
  }
  if (cluster.datadogTags !== undefined) {
    item.datadog_tags = strings(cluster.datadogTags);
  }
  return item;
}

const str = (value: AttributeValue | undefined) => value?.S;
/** A list of strings; a string set (as other writers of the table may use) is read too. */
const strList = (value: AttributeValue | undefined) =>
  value?.SS ?? (value?.L ?? []).map(entry => entry.S ?? '');

/** Copies the present string entries of a map, renaming its snake_case keys. */
function fromStringMap<T extends object>(
  value: AttributeValue | undefined,
  keys: Record<string, keyof T>,
): T {
  const result: Record<string, string> = {};
  for (const [attribute, key] of Object.entries(keys)) {
    const entry = value?.M?.[attribute]?.S;
    if (entry !== undefined) result[key as string] = entry;
  }
  return result as T;
}

function toCluster(item: Item): Cluster {
  const gitops = item.gitops?.M ?? {};
  const cluster: Cluster = {
    clusterId: str(item.cluster_id) ?? '',
    name: str(item.name) ?? '',
    batchId: str(item.batch_id) ?? '',
    environment: str(item.environment) ?? '',
    region: str(item.region) ?? '',
    access: fromStringMap<ClusterAccess>(item.access, {
      kubernetes_cluster_name: 'kubernetesClusterName',
      kubeconfig_context: 'kubeconfigContext',
    }),
    gitops: {
      project: str(gitops.project) ?? '',
      ...(gitops.branch?.S !== undefined && { branch: gitops.branch.S }),
      paths: strList(gitops.paths),
    },
    istioVersion: str(item.istio_version) ?? '',
    owners: strList(item.owners),
    status: (str(item.status) ?? 'PENDING') as ClusterStatus,
    updatedAt: str(item.updated_at) ?? '',
  };
  const account = str(item.account);
  if (account !== undefined) cluster.account = account;
  const roleArn = str(item.role_arn);
  if (roleArn !== undefined) cluster.roleArn = roleArn;
  const istioRevision = str(item.istio_revision);
  if (istioRevision !== undefined) cluster.istioRevision = istioRevision;
  if (item.metrics) {
    cluster.metrics = fromStringMap<MetricQueries>(item.metrics, {
      request_rate: 'requestRate',
      error_rate: 'errorRate',
      latency_p95_ms: 'latencyP95Ms',
    });
  }
  if (item.datadog_tags) cluster.datadogTags = strList(item.datadog_tags);
  return cluster;
}
