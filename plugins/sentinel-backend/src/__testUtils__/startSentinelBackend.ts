import {
  permissionsDenyingUsers,
  recordingSignals,
  restCaller,
  RestCall,
} from '@fleetdeck/backend-common/testUtils';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import { sentinelPlugin } from '../plugin';

export interface SentinelBackendOptions {
  /** App config: `sentinel` and `backend.database`. */
  config: object;
  /** Users whose every permission request is denied. */
  deniedUsers?: string[];
  /** The database service, e.g. `databaseServiceOn` a PostgreSQL of `TestDatabases`; by default the one `backend.database` configures. */
  database?: ServiceFactory;
}

export interface SentinelBackend {
  url: string;
  signals: Array<{ channel: string; message: any }>;
  /** Every line the plugin logged, with its metadata. */
  logs: string[];
  /** Calls the plugin's routes as a user, with mock credentials. */
  call: RestCall;
  stop(): Promise<void>;
}

function recordingLogger(
  lines: string[],
  meta: Record<string, unknown>,
): LoggerService {
  const log = (level: string) => (message: string, extra?: Error | object) => {
    lines.push(
      `${level} ${message} ${JSON.stringify(meta)} ${
        extra instanceof Error ? extra.stack : JSON.stringify(extra ?? {})
      }`,
    );
  };
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: more => recordingLogger(lines, { ...meta, ...more }),
  };
}

/**
 * The sentinel plugin alone in a backend with the real database and scheduler services, mock auth
 * (`call` sends `mockCredentials.user.header(user)`), a permission service that denies `deniedUsers`,
 * and recorded signals and logs.
 */
export async function startSentinelBackend(
  options: SentinelBackendOptions,
): Promise<SentinelBackend> {
  const signals: SentinelBackend['signals'] = [];
  const logs: string[] = [];
  const backend = await startTestBackend({
    features: [
      sentinelPlugin,
      mockServices.rootConfig.factory({ data: options.config as any }),
      options.database ?? databaseServiceFactory,
      schedulerServiceFactory,
      createServiceFactory({
        service: coreServices.logger,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) =>
          recordingLogger(logs, { plugin: plugin.getId() }),
      }),
      permissionsDenyingUsers(options.deniedUsers ?? []),
      recordingSignals(signals),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api/sentinel`;
  return {
    url,
    signals,
    logs,
    call: restCaller(url, mockCredentials.user.header),
    stop: () => backend.stop(),
  };
}
