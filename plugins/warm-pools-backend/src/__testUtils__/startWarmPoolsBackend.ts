import {
  permissionsDenyingUsers,
  recordingSignals,
  restCaller,
  RestCall,
} from '@fleetdeck/backend-common/testUtils';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import { warmPoolsPlugin } from '../plugin';

export interface WarmPoolsBackendOptions {
  /** App config: `kubernetes`, `warmPools` and `backend.database`. */
  config: object;
  /** Users whose every permission request is denied. */
  deniedUsers?: string[];
  /** The database service, e.g. `databaseServiceOn` a PostgreSQL of `TestDatabases`; by default the one `backend.database` configures. */
  database?: ServiceFactory;
}

export interface WarmPoolsBackend {
  url: string;
  signals: Array<{ channel: string; message: any }>;
  /** Calls the plugin's routes as a user, with mock credentials. */
  call: RestCall;
  stop(): Promise<void>;
}

/**
 * The warm-pools plugin alone in a backend with the real database and scheduler services, mock auth (`call`
 * sends `mockCredentials.user.header(user)`), a permission service that denies `deniedUsers`, and recorded
 * signals.
 */
export async function startWarmPoolsBackend(
  options: WarmPoolsBackendOptions,
): Promise<WarmPoolsBackend> {
  const signals: WarmPoolsBackend['signals'] = [];
  const backend = await startTestBackend({
    features: [
      warmPoolsPlugin,
      mockServices.rootConfig.factory({ data: options.config as any }),
      options.database ?? databaseServiceFactory,
      schedulerServiceFactory,
      permissionsDenyingUsers(options.deniedUsers ?? []),
      recordingSignals(signals),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api/warm-pools`;
  return {
    url,
    signals,
    call: restCaller(url, mockCredentials.user.header),
    stop: () => backend.stop(),
  };
}
