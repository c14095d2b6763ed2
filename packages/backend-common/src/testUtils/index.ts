import {
  coreServices,
  createServiceFactory,
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
