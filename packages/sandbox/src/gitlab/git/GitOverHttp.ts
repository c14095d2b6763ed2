import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { registerExitCleanup } from '../../redis/exitCleanup';
import type { ApiResponse } from '../http';
import type { Project, ProjectDirectory } from '../ProjectDirectory';
import type { SandboxUser } from '../users';
import { ArchiveFormat, BareRepository } from './BareRepository';
import { runHttpBackend } from './GitHttpBackend';
import { GitProcesses } from './GitProcesses';

type Endpoint = 'info/refs' | 'git-upload-pack' | 'git-receive-pack';

export interface GitRoute {
  /** 'group/project', without `.git` */
  readonly projectPath: string;
  readonly endpoint: Endpoint;
}

// <group>/<project>.git/info/refs and the two service endpoints; GitLab takes them without .git too
const GIT_ROUTE =
  /^\/(.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const SERVICES = ['git-upload-pack', 'git-receive-pack'];

export function matchGitRoute(pathname: string): GitRoute | undefined {
  const match = GIT_ROUTE.exec(pathname);
  if (!match) return undefined;
  return { projectPath: match[1], endpoint: match[2] as Endpoint };
}

/** Either an answer for the sandbox to send, or the status of one git has streamed already. */
export type GitAnswer =
  | { readonly answer: ApiResponse }
  | { readonly streamed: number };

const ACCESS_DENIED: ApiResponse = {
  status: 401,
  headers: { 'www-authenticate': 'Basic realm="GitLab"' },
  text: 'HTTP Basic: Access denied. If a token was provided, it was either incorrect, expired, or improperly scoped.\n',
};

const PROJECT_NOT_FOUND: ApiResponse = {
  status: 404,
  text: "The project you were looking for could not be found or you don't have permission to view it.\n",
};

const NOT_FOUND: ApiResponse = { status: 404, text: 'Not Found\n' };

/**
 * Git's smart HTTP protocol for the sandbox's projects, served by `git http-backend` over bare
 * repositories in a folder of its own (made on first use, removed on stop). One git request per
 * project at a time: the bare repository is brought up to date with the API's commits before
 * git runs, and a push is read back into the project before the client sees its answer end.
 */
export class GitOverHttp {
  readonly #git = new GitProcesses();
  readonly #bareRepositories = new Map<number, Promise<BareRepository>>();
  readonly #queues = new Map<number, Promise<unknown>>();
  #root: Promise<string> | undefined;
  #unregisterCleanup: (() => void) | undefined;
  #stopped = false;

  constructor(
    private readonly projects: ProjectDirectory,
    /** the user a Basic username and password stand for, if any */
    private readonly authenticate: (
      username: string,
      password: string,
    ) => SandboxUser | undefined,
    /** where the folder of bare repositories is made */
    private readonly parentDir: string,
  ) {}

  async serve(
    request: IncomingMessage,
    response: ServerResponse,
    route: GitRoute,
  ): Promise<GitAnswer> {
    const method = request.method ?? 'GET';
    const service =
      route.endpoint === 'info/refs'
        ? new URL(request.url ?? '/', 'http://sandbox').searchParams.get(
            'service',
          )
        : route.endpoint;
    const expected = route.endpoint === 'info/refs' ? 'GET' : 'POST';
    // the dumb protocol and stray methods are routes GitLab does not have
    if (method !== expected || !service || !SERVICES.includes(service)) {
      return { answer: NOT_FOUND };
    }
    const user = this.#basicUser(request);
    if (!user) return { answer: ACCESS_DENIED };
    const project = this.projects.find(route.projectPath);
    if (!project) return { answer: PROJECT_NOT_FOUND };

    return this.#exclusive(project, async () => {
      const root = await this.#rootFolder();
      const bare = await this.#bareRepository(project, root);
      await bare.syncFrom(project.repository, project.protectedBranches);
      const status = await runHttpBackend(this.#git, {
        projectRoot: root,
        pathInfo: `/${path.basename(bare.dir)}/${route.endpoint}`,
        remoteUser: user.username,
        request,
        response,
      });
      if (route.endpoint === 'git-receive-pack') {
        try {
          await bare.importInto(project.repository);
        } catch (error) {
          // the client must not take the push for done when the project did not get it
          response.destroy();
          throw error;
        }
      }
      response.end();
      return { streamed: status };
    });
  }

  /** An archive of a project's commit, made by git from the project's current state. */
  archive(
    project: Project,
    commitId: string,
    options: { format: ArchiveFormat; prefix: string; path?: string },
  ): Promise<Buffer> {
    return this.#exclusive(project, async () => {
      const bare = await this.#bareRepository(
        project,
        await this.#rootFolder(),
      );
      await bare.syncFrom(project.repository, project.protectedBranches);
      return bare.archive(commitId, options);
    });
  }

  /** Ends running git processes and removes the bare repositories. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#git.killAll();
    await Promise.allSettled([...this.#queues.values()]);
    if (this.#root) {
      const root = await this.#root.catch(() => undefined);
      if (root) await rm(root, { recursive: true, force: true });
    }
    this.#unregisterCleanup?.();
  }

  #basicUser(request: IncomingMessage): SandboxUser | undefined {
    const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return undefined;
    return this.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  #exclusive<T>(project: Project, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(project.id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => {
        if (this.#stopped) throw new Error('The GitLab sandbox has stopped');
        return work();
      });
    this.#queues.set(project.id, next);
    return next;
  }

  #rootFolder(): Promise<string> {
    if (!this.#root) {
      this.#root = mkdtemp(path.join(this.parentDir, 'fleetdeck-gitlab-')).then(
        root => {
          this.#unregisterCleanup = registerExitCleanup(() =>
            rmSync(root, { recursive: true, force: true }),
          );
          return root;
        },
      );
    }
    return this.#root;
  }

  #bareRepository(project: Project, root: string): Promise<BareRepository> {
    let bare = this.#bareRepositories.get(project.id);
    if (!bare) {
      bare = BareRepository.create(
        this.#git,
        path.join(root, `${project.id}.git`),
        project.repository.defaultBranch,
      ).catch(error => {
        this.#bareRepositories.delete(project.id);
        throw error;
      });
      this.#bareRepositories.set(project.id, bare);
    }
    return bare;
  }
}
