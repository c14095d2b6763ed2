import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { startDynalite, DynaliteSandbox } from './startDynalite';
import { REGISTRY_BATCH_INDEX, REGISTRY_TABLE_NAME } from './registryTable';

describe('startDynalite', () => {
  let sandbox: DynaliteSandbox;
  let client: DynamoDBClient;

  beforeAll(async () => {
    sandbox = await startDynalite();
    client = new DynamoDBClient({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: sandbox.credentials,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await sandbox?.stop();
  });

  it('listens on loopback and starts empty', async () => {
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(
      [],
    );
  });

  it('creates the registry table ACTIVE, on demand, keyed by cluster_id with a batch_id index', async () => {
    await sandbox.createRegistryTable();
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: REGISTRY_TABLE_NAME }),
    );
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'cluster_id', KeyType: 'HASH' },
    ]);
    expect(Table?.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: REGISTRY_BATCH_INDEX,
        IndexStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'batch_id', KeyType: 'HASH' }],
      }),
    ]);
    // A second call finds the table and does not fail.
    await sandbox.createRegistryTable();
  });

  it('stores clusters and finds them by batch through the index', async () => {
    const put = (clusterId: string, batchId: string) =>
      client.send(
        new PutItemCommand({
          TableName: REGISTRY_TABLE_NAME,
          Item: {
            cluster_id: { S: clusterId },
            batch_id: { S: batchId },
            environment: { S: 'prod' },
          },
        }),
      );
    await put('eks-prod-eu-1', 'prod-wave-1');
    await put('eks-prod-eu-2', 'prod-wave-1');
    await put('eks-prod-us-1', 'prod-wave-2');

    const { Item } = await client.send(
      new GetItemCommand({
        TableName: REGISTRY_TABLE_NAME,
        Key: { cluster_id: { S: 'eks-prod-us-1' } },
      }),
    );
    expect(Item).toEqual({
      cluster_id: { S: 'eks-prod-us-1' },
      batch_id: { S: 'prod-wave-2' },
      environment: { S: 'prod' },
    });

    const { Items } = await client.send(
      new QueryCommand({
        TableName: REGISTRY_TABLE_NAME,
        IndexName: REGISTRY_BATCH_INDEX,
        KeyConditionExpression: 'batch_id = :batch',
        ExpressionAttributeValues: { ':batch': { S: 'prod-wave-1' } },
      }),
    );
    expect(Items?.map(item => item.cluster_id.S).sort()).toEqual([
      'eks-prod-eu-1',
      'eks-prod-eu-2',
    ]);
  });
});

describe('startDynalite with createRegistryTable', () => {
  it('has the table ready on start and stops listening on stop', async () => {
    const sandbox = await startDynalite({ createRegistryTable: true });
    const client = new DynamoDBClient({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: sandbox.credentials,
    });
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(
        [REGISTRY_TABLE_NAME],
      );
    } finally {
      client.destroy();
      await sandbox.stop();
    }
    const refused = await new Promise<string | undefined>(resolve => {
      const socket = net.connect(
        Number(new URL(sandbox.endpoint).port),
        '127.0.0.1',
      );
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code),
      );
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

describe('startDynalite with a path', () => {
  it('keeps its tables on disk across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-dynalite-'));
    try {
      const first = await startDynalite({
        path: dir,
        createRegistryTable: true,
      });
      await first.stop();
      const second = await startDynalite({ path: dir });
      const client = new DynamoDBClient({
        endpoint: second.endpoint,
        region: second.region,
        credentials: second.credentials,
      });
      try {
        expect(
          (await client.send(new ListTablesCommand({}))).TableNames,
        ).toEqual([REGISTRY_TABLE_NAME]);
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
