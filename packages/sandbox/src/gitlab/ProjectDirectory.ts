import { ACCESS_LEVELS, BranchProtection } from './BranchProtection';
import { MergeRequestTracker } from './MergeRequestTracker';
import { Repository } from './Repository';
import type { SandboxUser } from './users';

export type NamespaceKind = 'group' | 'user';
export type Visibility = 'private' | 'internal' | 'public';
export const VISIBILITIES: readonly Visibility[] = [
  'private',
  'internal',
  'public',
];

/** A group or a user's personal namespace; groups and user namespaces share one id sequence. */
export interface Namespace {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly fullPath: string;
  /** the names from the root down, joined by ' / ' */
  readonly fullName: string;
  readonly kind: NamespaceKind;
  readonly parentId: number | null;
  readonly description: string;
  readonly visibility: Visibility;
  readonly webUrl: string;
  readonly createdAt: string;
}

export interface ProjectMember {
  readonly user: SandboxUser;
  readonly accessLevel: number;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

export interface ProjectVariable {
  readonly key: string;
  readonly value: string;
  readonly variableType: 'env_var' | 'file';
  readonly protected: boolean;
  readonly masked: boolean;
  readonly hidden: boolean;
  readonly raw: boolean;
  readonly environmentScope: string;
  readonly description: string | null;
}

export interface Project {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly pathWithNamespace: string;
  readonly namespace: Namespace;
  readonly webUrl: string;
  readonly createdAt: string;
  readonly description: string | null;
  readonly visibility: Visibility;
  readonly topics: readonly string[];
  readonly creatorId: number;
  readonly repository: Repository;
  readonly mergeRequests: MergeRequestTracker;
  readonly protectedBranches: BranchProtection;
  /** direct members, by user id */
  readonly members: Map<number, ProjectMember>;
  readonly variables: ProjectVariable[];
}

export interface NewProject {
  /** 'group/name', 'group/sub/name', or '<the token user's username>/name' */
  readonly path: string;
  /** 'main' when left out */
  readonly defaultBranch?: string;
  /** the files of the first commit; an empty repository (as a new GitLab project has) when left out */
  readonly files?: Record<string, string>;
  /** Approvals a merge request needs before it can be merged; 0 when left out. */
  readonly approvalsRequired?: number;
  /** the last path segment when left out */
  readonly name?: string;
  readonly description?: string;
  /** 'private' when left out */
  readonly visibility?: Visibility;
  readonly topics?: readonly string[];
}

// GitLab's rule for a path segment: letters, digits, '_', '-', '.'; not starting with '-' or '.'
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** GitLab's path rule for projects and groups: a segment that does not end in `.git` or `.atom`. */
export function isValidPath(path: string): boolean {
  return PATH_SEGMENT.test(path) && !/\.(git|atom)$/i.test(path);
}

/** The path GitLab derives from a name when only the name is given (Rails' `parameterize`). */
export function pathFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** The projects and namespaces of the sandbox, found by numeric id or full path as the API's `:id` allows. */
export class ProjectDirectory {
  readonly #projects = new Map<number, Project>();
  readonly #namespaces = new Map<number, Namespace>();
  #nextNamespaceId = 1;
  #nextMergeRequestId = 1;
  #nextProtectedBranchId = 1;

  constructor(
    private readonly baseUrl: string,
    private readonly owner: SandboxUser,
  ) {
    this.#addNamespace({
      name: owner.name,
      path: owner.username,
      kind: 'user',
      parent: undefined,
    });
  }

  /** Creates a project, and the groups of its path that do not exist yet. */
  create(request: NewProject): Project {
    const segments = request.path.split('/');
    if (segments.length < 2 || !segments.every(s => PATH_SEGMENT.test(s))) {
      throw new Error(
        `A project path is 'group/name' or 'group/sub/name', not '${request.path}'`,
      );
    }
    if (this.find(request.path)) {
      throw new Error(`Project ${request.path} already exists`);
    }
    const namespace =
      this.findNamespace(segments.slice(0, -1).join('/')) ??
      this.createGroup(segments.slice(0, -1).join('/'));
    const path = segments[segments.length - 1];
    return this.add({
      namespace,
      name: request.name ?? path,
      path,
      defaultBranch: request.defaultBranch ?? 'main',
      files: request.files,
      approvalsRequired: request.approvalsRequired,
      description: request.description,
      visibility: request.visibility,
      topics: request.topics,
      creator: this.owner,
    });
  }

  /** Adds a project to an existing namespace; the caller has checked the name and path. */
  add(request: {
    namespace: Namespace;
    name: string;
    path: string;
    defaultBranch: string;
    files?: Record<string, string>;
    approvalsRequired?: number;
    description?: string;
    visibility?: Visibility;
    topics?: readonly string[];
    creator: SandboxUser;
  }): Project {
    const { namespace, creator } = request;
    const pathWithNamespace = `${namespace.fullPath}/${request.path}`;
    const repository = new Repository(request.defaultBranch, request.files, {
      name: 'Fleetdeck Sandbox',
      email: 'sandbox@fleetdeck.invalid',
    });
    const createdAt = new Date().toISOString();
    const members = new Map<number, ProjectMember>();
    // GitLab makes the owner of a personal namespace a member; in a group, access comes from the group
    if (namespace.kind === 'user') {
      members.set(creator.id, {
        user: creator,
        accessLevel: ACCESS_LEVELS.owner,
        createdAt,
        expiresAt: null,
      });
    }
    const project: Project = {
      id: this.#projects.size + 1,
      name: request.name,
      path: request.path,
      pathWithNamespace,
      namespace,
      webUrl: `${this.baseUrl}/${pathWithNamespace}`,
      createdAt,
      description: request.description ?? null,
      visibility: request.visibility ?? 'private',
      topics: request.topics ?? [],
      creatorId: creator.id,
      repository,
      mergeRequests: new MergeRequestTracker(repository, {
        approvalsRequired: request.approvalsRequired ?? 0,
        nextGlobalId: () => this.#nextMergeRequestId++,
        reference: iid => `${pathWithNamespace}!${iid}`,
      }),
      protectedBranches: new BranchProtection(
        repository,
        () => this.#nextProtectedBranchId++,
      ),
      members,
      variables: [],
    };
    this.#projects.set(project.id, project);
    return project;
  }

  /** By numeric id ("42") or full path ("group/app"), as GitLab's `:id` is read. */
  find(idOrPath: string | number): Project | undefined {
    const key = String(idOrPath);
    if (/^\d+$/.test(key)) return this.#projects.get(Number(key));
    // GitLab matches full paths case-insensitively
    const wanted = key.toLowerCase();
    return this.all().find(p => p.pathWithNamespace.toLowerCase() === wanted);
  }

  all(): Project[] {
    return [...this.#projects.values()];
  }

  /** The projects directly in a namespace, or in it and its subgroups. */
  inNamespace(namespace: Namespace, includeSubgroups = false): Project[] {
    const prefix = `${namespace.fullPath.toLowerCase()}/`;
    return this.all().filter(project =>
      includeSubgroups
        ? project.pathWithNamespace.toLowerCase().startsWith(prefix)
        : project.namespace.id === namespace.id,
    );
  }

  /** The project in `namespace` that already has this name or path (case-insensitively), if any. */
  taken(
    namespace: Namespace,
    name: string,
    path: string,
  ): { name: boolean; path: boolean } {
    const siblings = this.inNamespace(namespace);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    return {
      name: siblings.some(p => same(p.name, name)),
      // a subgroup with the same path would take the same URL
      path:
        siblings.some(p => same(p.path, path)) ||
        this.findNamespace(`${namespace.fullPath}/${path}`) !== undefined,
    };
  }

  /** By numeric id or full path, case-insensitively. */
  findNamespace(idOrPath: string | number): Namespace | undefined {
    const key = String(idOrPath);
    if (/^\d+$/.test(key)) return this.#namespaces.get(Number(key));
    const wanted = key.toLowerCase();
    return this.namespaces().find(n => n.fullPath.toLowerCase() === wanted);
  }

  namespaces(): Namespace[] {
    return [...this.#namespaces.values()];
  }

  /** The user's personal namespace. */
  userNamespace(user: SandboxUser): Namespace | undefined {
    return this.namespaces().find(
      n => n.kind === 'user' && n.path === user.username,
    );
  }

  /** Creates a group and the parent groups it needs; refuses a path that exists. */
  createGroup(
    fullPath: string,
    details: {
      name?: string;
      description?: string;
      visibility?: Visibility;
    } = {},
  ): Namespace {
    const segments = fullPath.split('/');
    if (!segments.every(isValidPath)) {
      throw new Error(`'${fullPath}' is not a valid group path`);
    }
    if (this.findNamespace(fullPath)) {
      throw new Error(`Namespace ${fullPath} already exists`);
    }
    const parentPath = segments.slice(0, -1).join('/');
    let parent: Namespace | undefined;
    if (parentPath !== '') {
      parent =
        this.findNamespace(parentPath) ?? this.createGroup(parentPath, {});
      if (parent.kind !== 'group') {
        throw new Error(`${parentPath} is a user's namespace, not a group`);
      }
    }
    const path = segments[segments.length - 1];
    return this.#addNamespace({
      name: details.name ?? path,
      path,
      kind: 'group',
      parent,
      description: details.description,
      visibility: details.visibility,
    });
  }

  /** A namespace's ancestors from the root down, itself last. */
  lineage(namespace: Namespace): Namespace[] {
    const parent =
      namespace.parentId === null
        ? undefined
        : this.#namespaces.get(namespace.parentId);
    return parent ? [...this.lineage(parent), namespace] : [namespace];
  }

  #addNamespace(draft: {
    name: string;
    path: string;
    kind: NamespaceKind;
    parent: Namespace | undefined;
    description?: string;
    visibility?: Visibility;
  }): Namespace {
    const fullPath = draft.parent
      ? `${draft.parent.fullPath}/${draft.path}`
      : draft.path;
    const namespace: Namespace = {
      id: this.#nextNamespaceId++,
      name: draft.name,
      path: draft.path,
      fullPath,
      fullName: draft.parent
        ? `${draft.parent.fullName} / ${draft.name}`
        : draft.name,
      kind: draft.kind,
      parentId: draft.parent?.id ?? null,
      description: draft.description ?? '',
      visibility: draft.visibility ?? 'private',
      webUrl:
        draft.kind === 'group'
          ? `${this.baseUrl}/groups/${fullPath}`
          : `${this.baseUrl}/${fullPath}`,
      createdAt: new Date().toISOString(),
    };
    this.#namespaces.set(namespace.id, namespace);
    return namespace;
  }
}
