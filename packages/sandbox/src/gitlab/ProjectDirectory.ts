import { MergeRequestTracker } from './MergeRequestTracker';
import { Repository } from './Repository';

export interface Namespace {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly fullPath: string;
  readonly webUrl: string;
}

export interface Project {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly pathWithNamespace: string;
  readonly namespace: Namespace;
  readonly webUrl: string;
  readonly createdAt: string;
  readonly repository: Repository;
  readonly mergeRequests: MergeRequestTracker;
}

export interface NewProject {
  /** 'group/sub/name' */
  readonly path: string;
  /** 'main' when left out */
  readonly defaultBranch?: string;
  readonly files: Record<string, string>;
  /** Approvals a merge request needs before it can be merged; 0 when left out. */
  readonly approvalsRequired?: number;
}

// GitLab's rule for a path segment: letters, digits, '_', '-', '.'; not starting with '-' or '.'
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The projects of the sandbox, found by numeric id or by full path as the API's `:id` allows. */
export class ProjectDirectory {
  readonly #projects = new Map<number, Project>();
  readonly #namespaces = new Map<string, Namespace>();
  #nextMergeRequestId = 1;

  constructor(private readonly baseUrl: string) {}

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
    const pathWithNamespace = segments.join('/');
    const name = segments[segments.length - 1];
    const id = this.#projects.size + 1;
    const webUrl = `${this.baseUrl}/${pathWithNamespace}`;
    const repository = new Repository(
      request.defaultBranch ?? 'main',
      request.files,
      {
        name: 'Fleetdeck Sandbox',
        email: 'sandbox@fleetdeck.invalid',
      },
    );
    const project: Project = {
      id,
      name,
      path: name,
      pathWithNamespace,
      namespace: this.#namespace(segments.slice(0, -1)),
      webUrl,
      createdAt: new Date().toISOString(),
      repository,
      mergeRequests: new MergeRequestTracker(repository, {
        approvalsRequired: request.approvalsRequired ?? 0,
        nextGlobalId: () => this.#nextMergeRequestId++,
        reference: iid => `${pathWithNamespace}!${iid}`,
      }),
    };
    this.#projects.set(id, project);
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

  #namespace(segments: string[]): Namespace {
    const fullPath = segments.join('/');
    let namespace = this.#namespaces.get(fullPath);
    if (!namespace) {
      namespace = {
        id: this.#namespaces.size + 1,
        name: segments[segments.length - 1],
        path: segments[segments.length - 1],
        fullPath,
        webUrl: `${this.baseUrl}/groups/${fullPath}`,
      };
      this.#namespaces.set(fullPath, namespace);
    }
    return namespace;
  }
}
