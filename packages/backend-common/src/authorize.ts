import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';

/**
 * A user's entity ref in one spelling (`user:default/ada`), so that four-eyes and audit entries compare people, not
 * strings: entity refs are case-insensitive and the kind and namespace may be written out or left to defaults.
 */
export function normalizeUserRef(ref: string): string {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!match) return ref.trim().toLocaleLowerCase('en-US');
  const [, kind = 'user', namespace = 'default', name] = match;
  return `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
}

/** Whether two user refs name the same person. */
export function sameUser(a: string, b: string): boolean {
  return normalizeUserRef(a) === normalizeUserRef(b);
}

/** What a mutation acts with: the user's credentials and their normalized entity ref. */
export interface UserActor {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  actor: string;
}

/**
 * Asks the permission framework whether `credentials` may do `permission`; throws NotAllowedError (a 403) when
 * not. Used wherever a mutation acts for a person: routes, scaffolder actions, registered actions.
 */
export async function requirePermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`${permission.name} is not granted`);
  }
}

/**
 * The user behind a mutating request, once the permission framework allowed them `permission`. Mutations act for
 * a person: a service principal (a backend-to-backend token, a static token) is refused with 403 here, since it
 * carries no user for the permission decision, the audit log or four-eyes. Reads stay open to services.
 */
export async function authorizeUser(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
  req: Parameters<HttpAuthService['credentials']>[0],
  permission: BasicPermission,
): Promise<UserActor> {
  // httpAuth answers a service principal with 403 ("does not allow 'service' credentials").
  const user = await httpAuth.credentials(req, { allow: ['user'] });
  await requirePermission(permissions, user, permission);
  return {
    credentials: user,
    actor: normalizeUserRef(user.principal.userEntityRef),
  };
}
