import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** One line of `permission.fleetdeck.rules`: who may use which permissions. */
export interface FleetdeckPermissionRule {
  /** Permission names; a trailing `.*` matches every permission under that prefix. */
  permissions: string[];
  /** Entity refs of groups or users; `*` is everyone signed in. */
  allow: string[];
}

export interface FleetdeckPermissionPolicyOptions {
  /** Entity refs of the groups (or users) that may do everything. */
  admins: string[];
  rules: FleetdeckPermissionRule[];
}

const EVERYONE = '*';

function normalizeRef(ref: string): string {
  if (ref === EVERYONE) {
    return ref;
  }
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}

function matchesPermission(pattern: string, name: string): boolean {
  if (pattern.endsWith('.*')) {
    return name.startsWith(pattern.slice(0, -1));
  }
  return pattern === name;
}

/**
 * Fleetdeck's permission policy:
 * - admins (by default `group:default/platform-admins`) may do everything;
 * - everyone signed in may read (permissions whose action is `read`);
 * - every other permission is allowed only to the groups or users that a rule names.
 * Requests without a signed-in user (anonymous) are denied; service-to-service calls never reach a policy.
 */
export class FleetdeckPermissionPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;
  private readonly rules: FleetdeckPermissionRule[];

  static fromConfig(config: Config): FleetdeckPermissionPolicy {
    const policyConfig = config.getOptionalConfig('permission.fleetdeck');
    const admins = policyConfig?.getOptionalStringArray('admins') ?? [
      'group:default/platform-admins',
    ];
    const rules = (policyConfig?.getOptionalConfigArray('rules') ?? []).map(
      rule => ({
        permissions: rule.getStringArray('permissions'),
        allow: rule.getStringArray('allow'),
      }),
    );
    return new FleetdeckPermissionPolicy({ admins, rules });
  }

  constructor(options: FleetdeckPermissionPolicyOptions) {
    this.admins = new Set(options.admins.map(normalizeRef));
    this.rules = options.rules.map(rule => ({
      permissions: rule.permissions,
      allow: rule.allow.map(normalizeRef),
    }));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const principals = new Set([
      user.info.userEntityRef,
      ...user.info.ownershipEntityRefs,
    ]);
    if ([...principals].some(ref => this.admins.has(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (request.permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    const allowed = this.rules.some(
      rule =>
        rule.permissions.some(p =>
          matchesPermission(p, request.permission.name),
        ) && rule.allow.some(ref => ref === EVERYONE || principals.has(ref)),
    );
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}
