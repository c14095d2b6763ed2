import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** The cluster registry of the Istio upgrade guard (seed 002): one item per cluster, also queried by batch. */
export const REGISTRY_TABLE_NAME = 'guard-cluster-registry';
export const REGISTRY_BATCH_INDEX = 'batch_id-index';

const POLL_MS = 50;

/**
 * Creates the registry table (idempotent: an existing table is only awaited)
 * and resolves once it and its index are ACTIVE.
 */
export async function createRegistryTable(
  client: DynamoDBClient,
  timeoutMs = 10000,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: REGISTRY_TABLE_NAME,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'cluster_id', AttributeType: 'S' },
          { AttributeName: 'batch_id', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'cluster_id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: REGISTRY_BATCH_INDEX,
            KeySchema: [{ AttributeName: 'batch_id', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }

  // The SDK's waitUntilTableExists polls every 20 s at the least; the sandbox wants milliseconds.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: REGISTRY_TABLE_NAME }),
    );
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      index => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Table ${REGISTRY_TABLE_NAME} not ACTIVE after ${timeoutMs} ms (status ${Table?.TableStatus})`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}
