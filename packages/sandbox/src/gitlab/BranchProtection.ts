import type { Repository } from './Repository';

/** GitLab's access levels, as the API numbers them. */
export const ACCESS_LEVELS = {
  noAccess: 0,
  minimalAccess: 5,
  guest: 10,
  planner: 15,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

export interface ProtectedBranch {
  readonly id: number;
  /** a branch name, or a wildcard pattern such as `release/*` */
  readonly name: string;
  readonly pushAccessLevel: number;
  readonly mergeAccessLevel: number;
  readonly unprotectAccessLevel: number;
  readonly allowForcePush: boolean;
  readonly codeOwnerApprovalRequired: boolean;
}

export type NewProtectedBranch = Partial<Omit<ProtectedBranch, 'id'>> & {
  readonly name: string;
};

/** A wildcard as GitLab reads it: `*` stands for any characters, `/` included. */
function wildcardMatches(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const regex = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(branch);
}

/**
 * The protected branches of one project. GitLab protects the default branch when the
 * repository first gets it (maintainers push and merge, nobody force-pushes or deletes it by git).
 */
export class BranchProtection {
  readonly #rules: ProtectedBranch[] = [];
  #defaultPending = true;

  constructor(
    private readonly repository: Repository,
    private readonly nextId: () => number,
  ) {}

  all(): ProtectedBranch[] {
    this.#settle();
    return [...this.#rules];
  }

  /** The rule with exactly this name (pattern), if any. */
  find(name: string): ProtectedBranch | undefined {
    this.#settle();
    return this.#rules.find(rule => rule.name === name);
  }

  /** The rules whose name or pattern covers `branch`. */
  covering(branch: string): ProtectedBranch[] {
    this.#settle();
    return this.#rules.filter(rule => wildcardMatches(rule.name, branch));
  }

  isProtected(branch: string): boolean {
    return this.covering(branch).length > 0;
  }

  /** Undefined when a rule with that name exists already. */
  protect(request: NewProtectedBranch): ProtectedBranch | undefined {
    if (this.find(request.name)) return undefined;
    const rule: ProtectedBranch = {
      id: this.nextId(),
      name: request.name,
      pushAccessLevel: request.pushAccessLevel ?? ACCESS_LEVELS.maintainer,
      mergeAccessLevel: request.mergeAccessLevel ?? ACCESS_LEVELS.maintainer,
      unprotectAccessLevel:
        request.unprotectAccessLevel ?? ACCESS_LEVELS.maintainer,
      allowForcePush: request.allowForcePush ?? false,
      codeOwnerApprovalRequired: request.codeOwnerApprovalRequired ?? false,
    };
    this.#rules.push(rule);
    return rule;
  }

  /** False when no rule has that name. */
  unprotect(name: string): boolean {
    const index = this.#rules.findIndex(rule => rule.name === name);
    if (index === -1) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  #settle(): void {
    if (!this.#defaultPending || this.repository.isEmpty()) return;
    this.#defaultPending = false;
    const name = this.repository.defaultBranch;
    if (!this.#rules.some(rule => rule.name === name)) {
      this.#rules.unshift({
        id: this.nextId(),
        name,
        pushAccessLevel: ACCESS_LEVELS.maintainer,
        mergeAccessLevel: ACCESS_LEVELS.maintainer,
        unprotectAccessLevel: ACCESS_LEVELS.maintainer,
        allowForcePush: false,
        codeOwnerApprovalRequired: false,
      });
    }
  }
}
