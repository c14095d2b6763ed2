import { listenOnLoopback } from '../net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiError,
  ApiResponse,
  readBody,
  searchParams,
  UNAUTHORIZED,
  UNKNOWN_ROUTE,
} from './http';
import { GitOverHttp, matchGitRoute } from './git/GitOverHttp';
import type { MergeRequestState } from './MergeRequestTracker';
import { NewProject, Project, ProjectDirectory } from './ProjectDirectory';
import { RouteTable } from './RouteTable';
import { addBranchRoutes } from './routes/branchRoutes';
import { addCommitRoutes } from './routes/commitRoutes';
import { RouteContext } from './routes/context';
import { addFileRoutes } from './routes/fileRoutes';
import { addMergeRequestRoutes } from './routes/mergeRequestRoutes';
import { addNamespaceRoutes } from './routes/namespaceRoutes';
import { addProjectRoutes } from './routes/projectRoutes';
import { Fault, TrafficConditions } from './TrafficConditions';
import { botUser, SandboxUser } from './users';

export interface GitLabSandboxOptions {
  /** 0 (a free port) when left out */
  port?: number;
  /** the API token; a random one when left out */
  token?: string;
  /** added before every answer */
  latencyMs?: number;
  /**
   * The folder in which the sandbox makes its own folder for the bare git repositories behind git
   * over HTTP (made on the first git request, removed on stop); the OS temp folder when left out.
   */
  gitParentDir?: string;
}

export interface MergeRequestSummary {
  iid: number;
  projectPath: string;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  state: MergeRequestState;
  approvedBy: string[];
  description: string;
  /** The username that merged or closed it, once it is. */
  mergedBy?: string;
  closedBy?: string;
}

export interface MergedEvent {
  projectPath: string;
  iid: number;
  targetBranch: string;
  changedFiles: string[];
}

export interface RequestLogEntry {
  method: string;
  /** the decoded path, without the query string */
  path: string;
  status: number;
  /** when the request arrived, in milliseconds since the epoch */
  at: number;
}

const API_PREFIX = '/api/v4/';
// keeps a long-running sandbox (`yarn start`) from growing without bound
const REQUEST_LOG_LIMIT = 10_000;

/**
 * GitLab's REST API v4 on loopback, for the real `@gitbeaker/rest` client: namespaces, groups,
 * projects (created through the API too), repository files, tree, branches and their
 * protection, commits, merge requests with approvals and merges, members and CI variables, with
 * GitLab's pagination, rate-limit headers and errors, and faults and latency on request. Git's
 * smart HTTP protocol serves the same repositories at `<url>/<group>/<project>.git` with Basic
 * auth (any username, the token as password), as GitLab does for access tokens.
 */
export class GitLabSandbox {
  static async start(
    options: GitLabSandboxOptions = {},
  ): Promise<GitLabSandbox> {
    const server = createServer();
    const { url } = await listenOnLoopback(server, options.port);
    return new GitLabSandbox(server, url, options);
  }

  /** The API lives under `${url}/api/v4`. */
  readonly url: string;
  /** Accepted as `PRIVATE-TOKEN: <token>` and as `Authorization: Bearer <token>`. */
  readonly token: string;

  readonly #server: Server;
  readonly #user: SandboxUser;
  // people acting in GitLab beside the bot, by their personal access token
  readonly #people = new Map<string, SandboxUser>();
  readonly #projects: ProjectDirectory;
  readonly #git: GitOverHttp;
  readonly #routes = new RouteTable();
  readonly #traffic: TrafficConditions;
  readonly #log: RequestLogEntry[] = [];
  readonly #mergeListeners = new Set<(event: MergedEvent) => void>();
  // ends the latency waits of requests still in flight when the sandbox stops
  readonly #stopping = new AbortController();

  private constructor(
    server: Server,
    url: string,
    options: GitLabSandboxOptions,
  ) {
    this.#server = server;
    this.url = url;
    this.token = options.token ?? `glpat-${randomBytes(15).toString('hex')}`;
    this.#user = botUser(url);
    this.#projects = new ProjectDirectory(url, this.#user);
    this.#git = new GitOverHttp(
      this.#projects,
      (_username, password) =>
        password === this.token ? this.#user : undefined,
      options.gitParentDir ?? tmpdir(),
    );
    this.#traffic = new TrafficConditions(options.latencyMs);

    const context: RouteContext = {
      projects: this.#projects,
      baseUrl: url,
      announceMerge: event =>
        this.#mergeListeners.forEach(listener => listener(event)),
      archive: (project, commitId, archiveOptions) =>
        this.#git.archive(project, commitId, archiveOptions),
    };
    addProjectRoutes(this.#routes, context);
    addNamespaceRoutes(this.#routes, context);
    addFileRoutes(this.#routes, context);
    addBranchRoutes(this.#routes, context);
    addCommitRoutes(this.#routes, context);
    addMergeRequestRoutes(this.#routes, context);

    server.on('request', (request, response) => {
      void this.#handle(request, response);
    });
  }

  createProject(project: NewProject): {
    id: number;
    pathWithNamespace: string;
    webUrl: string;
  } {
    const { id, pathWithNamespace, webUrl } = this.#projects.create(project);
    return { id, pathWithNamespace, webUrl };
  }

  /**
   * Creates a group (and the parent groups it needs) that projects can be created in through the
   * API; groups in the path of `createProject` are made without it.
   */
  createGroup(
    fullPath: string,
    details: { name?: string; description?: string } = {},
  ): { id: number; fullPath: string; webUrl: string } {
    const { id, webUrl } = this.#projects.createGroup(fullPath, details);
    return { id, fullPath, webUrl };
  }

  /** A file's content at `ref` (the default branch when left out); undefined when absent. */
  readFile(
    projectPath: string,
    filePath: string,
    ref?: string,
  ): string | undefined {
    const { repository } = this.#project(projectPath);
    return repository.readFile(ref ?? repository.defaultBranch, filePath);
  }

  /**
   * Commits as someone outside the API would push: `null` deletes a file. Creates the branch
   * from the default branch when it does not exist. Returns the new commit's id.
   */
  pushFiles(
    projectPath: string,
    push: {
      branch: string;
      files: Record<string, string | null>;
      message?: string;
    },
  ): string {
    const { repository } = this.#project(projectPath);
    const exists = repository.branchHead(push.branch) !== undefined;
    // an empty repository gets its first commit on this branch
    const startBranch =
      exists || repository.isEmpty() ? undefined : repository.defaultBranch;
    const head = repository.branchHead(startBranch ?? push.branch);
    const commit = repository.commitActions({
      branch: push.branch,
      startBranch,
      message: push.message ?? `Update ${Object.keys(push.files).join(', ')}`,
      author: { name: 'Sandbox Pusher', email: 'pusher@fleetdeck.invalid' },
      actions: Object.entries(push.files).map(([filePath, content]) => {
        if (content === null) return { action: 'delete', filePath };
        return {
          action: head?.files.has(filePath) ? 'update' : 'create',
          filePath,
          content,
        };
      }),
    });
    return commit.id;
  }

  listMergeRequests(projectPath?: string): MergeRequestSummary[] {
    const projects = projectPath
      ? [this.#project(projectPath)]
      : this.#projects.all();
    return projects.flatMap(project =>
      project.mergeRequests.all().map(mr => ({
        iid: mr.iid,
        projectPath: project.pathWithNamespace,
        title: mr.title,
        sourceBranch: mr.sourceBranch,
        targetBranch: mr.targetBranch,
        state: mr.state,
        approvedBy: mr.approvedBy.map(user => user.username),
        description: mr.description,
        ...(mr.mergedBy ? { mergedBy: mr.mergedBy.username } : {}),
        ...(mr.closedBy ? { closedBy: mr.closedBy.username } : {}),
      })),
    );
  }

  /** Listeners run when a merge request is merged, before the API answers (a listener that
   * throws turns the answer into a 500 after the merge); returns an unsubscribe function. */
  onMerge(listener: (event: MergedEvent) => void): () => void {
    this.#mergeListeners.add(listener);
    return () => {
      this.#mergeListeners.delete(listener);
    };
  }

  /**
   * Requests whose decoded path matches `pathPattern` (all when left out) fail: the next `times`
   * of them, or each with probability `rate` until `clearFaults()`.
   */
  injectFaults(fault: Fault): void {
    this.#traffic.inject(fault);
  }

  /**
   * A person with their own access token, for tests of people acting in GitLab beside Fleetdeck (merging,
   * closing, editing a merge request): what they do is recorded under their username.
   */
  addPerson(username: string, name = username): { token: string } {
    const token = `glpat-${randomBytes(15).toString('hex')}`;
    this.#people.set(token, {
      id: 100 + this.#people.size,
      username,
      name,
      email: `${username}@fleetdeck.invalid`,
      webUrl: `${this.url}/${username}`,
      createdAt: new Date().toISOString(),
    });
    return { token };
  }

  /** Removes every injected fault that is still pending. */
  clearFaults(): void {
    this.#traffic.clear();
  }

  setLatency(ms: number): void {
    this.#traffic.latencyMs = ms;
  }

  requestLog(): RequestLogEntry[] {
    return this.#log.map(entry => ({ ...entry }));
  }

  /** Stops serving, ends running git processes and removes the bare repositories. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    this.#stopping.abort();
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        this.#server.close(error => (error ? reject(error) : resolve()));
        this.#server.closeAllConnections();
      }),
      this.#git.stop(),
    ]);
  }

  #project(projectPath: string): Project {
    const project = this.#projects.find(projectPath);
    if (!project)
      throw new Error(`No project ${projectPath} in the GitLab sandbox`);
    return project;
  }

  async #handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const at = Date.now();
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const path = decodeOrKeep(url.pathname);
    let answer: ApiResponse;
    try {
      if (this.#traffic.latencyMs > 0) {
        await sleep(this.#traffic.latencyMs, undefined, {
          signal: this.#stopping.signal,
        });
      }
      const fault = this.#traffic.takeFault(path, method);
      const gitRoute = url.pathname.startsWith(API_PREFIX)
        ? undefined
        : matchGitRoute(url.pathname);
      if (fault) {
        answer = fault;
      } else if (gitRoute) {
        const git = await this.#git.serve(request, response, gitRoute);
        if ('streamed' in git) {
          this.#record({ method, path, status: git.streamed, at });
          return;
        }
        answer = git.answer;
      } else {
        answer = await this.#route(request, method, url);
        // a fault after handling: the work is done, the caller hears a failure
        answer = this.#traffic.takeFault(path, method, true) ?? answer;
      }
    } catch (error) {
      if (this.#stopping.signal.aborted) return;
      answer =
        error instanceof ApiError
          ? { status: error.status, body: error.body }
          : { status: 500, body: { message: '500 Internal Server Error' } };
    }
    this.#send(response, answer);
    this.#record({ method, path, status: answer.status, at });
  }

  #record(entry: RequestLogEntry): void {
    this.#log.push(entry);
    if (this.#log.length > REQUEST_LOG_LIMIT) this.#log.shift();
  }

  // GitLab matches the route first, so an unknown route is a 404 even without a token
  async #route(
    request: IncomingMessage,
    method: string,
    url: URL,
  ): Promise<ApiResponse> {
    if (!url.pathname.startsWith(API_PREFIX)) throw UNKNOWN_ROUTE;
    const segments = url.pathname.slice(API_PREFIX.length).split('/');
    let decoded: string[];
    try {
      decoded = segments.map(segment => decodeURIComponent(segment));
    } catch {
      throw UNKNOWN_ROUTE;
    }
    // a HEAD is a GET whose body Node leaves out
    const route = this.#routes.match(
      method === 'HEAD' ? 'GET' : method,
      decoded,
    );
    if (!route) throw UNKNOWN_ROUTE;
    const user = this.#authenticate(request, url);
    const params = { ...searchParams(url), ...(await readBody(request)) };
    return route.handler({ url, pathParams: route.pathParams, params, user });
  }

  #authenticate(request: IncomingMessage, url: URL): SandboxUser {
    const privateToken = request.headers['private-token'];
    const bearer = /^Bearer\s+(.+)$/i.exec(
      request.headers.authorization ?? '',
    )?.[1];
    const given =
      (Array.isArray(privateToken) ? privateToken[0] : privateToken) ??
      bearer ??
      url.searchParams.get('private_token') ??
      url.searchParams.get('access_token');
    if (given === this.token) return this.#user;
    const person = given ? this.#people.get(given) : undefined;
    if (!person) throw UNAUTHORIZED;
    return person;
  }

  #send(response: ServerResponse, answer: ApiResponse): void {
    if (response.destroyed) return;
    // git had begun its answer when something failed: only cutting it short tells the client
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const headers: Record<string, string> = {
      ...this.#traffic.observe(),
      ...answer.headers,
    };
    let payload: string | Buffer | undefined;
    if (answer.bytes !== undefined) {
      headers['content-type'] ??= 'application/octet-stream';
      payload = answer.bytes;
    } else if (answer.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      payload = answer.text;
    } else if (answer.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(answer.body);
    }
    response.writeHead(answer.status, headers);
    response.end(payload);
  }
}

function decodeOrKeep(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
