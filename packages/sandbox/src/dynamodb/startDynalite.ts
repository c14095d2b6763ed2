import { listenOnLoopback } from '../net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createRegistryTable } from './registryTable';

export interface DynaliteOptions {
  /** Port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Create the `guard-cluster-registry` table before resolving. */
  createRegistryTable?: boolean;
  /** LevelDB directory to persist to; in memory when absent. */
  path?: string;
  /** How long dynalite keeps a new table CREATING. Default 100 (dynalite's own default is 500). */
  createTableMs?: number;
}

export interface DynaliteSandbox {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  endpoint: string;
  region: string;
  /** Any non-empty values do: dynalite checks a signature is present, not what it signs with. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  createRegistryTable(): Promise<void>;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = {
  accessKeyId: 'fleetdeck-sandbox',
  secretAccessKey: 'fleetdeck-sandbox',
};

/** DynamoDB on loopback through dynalite, in this process. */
export async function startDynalite(
  options: DynaliteOptions = {},
): Promise<DynaliteSandbox> {
  const server = dynalite({
    path: options.path,
    createTableMs: options.createTableMs ?? 100,
  });
  const { url: endpoint } = await listenOnLoopback(server, options.port);

  let client: DynamoDBClient | undefined;
  const sandbox: DynaliteSandbox = {
    endpoint,
    region: REGION,
    credentials: { ...CREDENTIALS },
    async createRegistryTable() {
      client ??= new DynamoDBClient({
        endpoint,
        region: REGION,
        credentials: CREDENTIALS,
      });
      await createRegistryTable(client);
    },
    async stop() {
      client?.destroy();
      client = undefined;
      if (!server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()));
        // Clients keep sockets alive; close() alone would wait for them to time out.
        server.closeAllConnections();
      });
    },
  };

  if (options.createRegistryTable) {
    try {
      await sandbox.createRegistryTable();
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
  }
  return sandbox;
}
