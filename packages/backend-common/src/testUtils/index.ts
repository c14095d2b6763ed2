import {
  coreServices,
  createServiceFactory,
  DatabaseService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';

/** A permissions service that denies every request of the given users and allows everyone else's. */
export function permissionsDenyingUsers(deniedUsers: string[]) {
  const denied = new Set(deniedUsers);
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: any[], { credentials }: any) {
        const user = credentials?.principal?.userEntityRef;
        const result =
          user && denied.has(user)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW;
        return requests.map(() => ({ result })) as any;
      },
      async authorizeConditional(requests: any[]) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
      },
    }),
  });
}

/** A signals service that records what is published into `published`. */
export function recordingSignals(
  published: Array<{ channel: string; message: unknown }>,
) {
  return createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      async publish(signal: any) {
        published.push({ channel: signal.channel, message: signal.message });
      },
    }),
  });
}

export {
  documentedRoutes,
  openApiDocumentOf,
  openApiGaps,
  servedRoutes,
} from './openApi';
export type { OpenApiDocument } from './openApi';
export { restCaller } from './restCaller';
export type { RestCall } from './restCaller';
export { fuzzedOperations, fuzzRoutes, requestOf } from './routeFuzz';
export type {
  FuzzedOperation,
  FuzzedRequest,
  RouteFuzzOptions,
  RouteFuzzResult,
} from './routeFuzz';

/**
 * The database service of a test backend, on a database a test made (such as a fresh one of `TestDatabases.init`
 * for SQLite or PostgreSQL); the plugin runs its own migrations on it.
 */
export function databaseServiceOn(
  getClient: DatabaseService['getClient'],
): ServiceFactory<DatabaseService, 'plugin'> {
  return createServiceFactory({
    service: coreServices.database,
    deps: {},
    factory: () => ({ getClient }),
  });
}
