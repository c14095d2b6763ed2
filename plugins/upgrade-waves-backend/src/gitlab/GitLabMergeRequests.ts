import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { Gitlab } from '@gitbeaker/rest';
import type { Knex } from 'knex';
import { readTimeouts } from '../config';
import { requestFailure, toGitLabError } from './errors';
import { GitLabRateLimiter, GitLabRequestLimiter } from './GitLabRateLimiter';
import { createLimitedRequester, withGitLabSignal } from './requester';
import { SharedGitLabRateLimiter } from './SharedGitLabRateLimiter';

/** A merge request as the upgrade waves see it. */
export interface MergeRequest {
  iid: number;
  webUrl: string;
  /** GitLab's `locked` (a merge in progress) is reported as `opened`. */
  state: 'opened' | 'merged' | 'closed';
  sourceBranch: string;
  targetBranch: string;
  title: string;
  /** The GitLab username that merged it, once merged. */
  mergedBy?: string;
  /** The GitLab username that closed it, once closed. */
  closedBy?: string;
}

/** Files changed by a merge request and its lines added and removed. */
export interface DiffSummary {
  files: number;
  additions: number;
  deletions: number;
}

export interface FileContent {
  path: string;
  content: string;
}

/** Per call: the caller's signal cancels the call's waits and requests (e.g. a wave's lease was lost). */
export interface GitLabCallOptions {
  signal?: AbortSignal;
}

export interface GitLabMergeRequestsOptions {
  /** GitLab's base URL, e.g. `https://gitlab.example.com` or `http://127.0.0.1:1234`. */
  host: string;
  token: string;
  /** Shared by every GitLab call of the backend (and, when a {@link SharedGitLabRateLimiter}, of every replica). */
  limiter: GitLabRequestLimiter;
  /** Attempts per request, the first included (429, 5xx and connection failures are retried). */
  maxAttempts: number;
  /** How long one HTTP request may take; 30 s by default. */
  timeoutMs?: number;
  logger: LoggerService;
  /** The wait between attempts; tests shorten it. */
  sleep?: (ms: number) => Promise<void>;
}

type GitbeakerMergeRequest = {
  iid: number;
  web_url: string;
  state: string;
  source_branch: string;
  target_branch: string;
  title: string;
};

/**
 * The GitLab calls of the merge-request flow, on the real `@gitbeaker/rest` client. Every HTTP
 * request passes the shared rate limiter and is retried on 429 / 5xx (see `requester.ts`);
 * failures come out as Backstage errors that name the project and never the token.
 */
export class GitLabMergeRequests {
  /**
   * Reads `upgradeWaves.gitlab`: `host` (the `integrations.gitlab[].host` to use; the first
   * entry when left out), `requestsPerMinute` (600), `rateLimitWindowSeconds` (60), `maxWaitSeconds` (60) and
   * `maxAttempts` (6), and `upgradeWaves.timeouts.gitlabMs`; the token and base URL come from that
   * `integrations.gitlab` entry. With `knex` (the plugin's database, migrated), the rate limit and GitLab's
   * `Retry-After` are shared by every replica; without it, they hold for this process only.
   */
  static fromConfig(
    config: Config,
    options: {
      logger: LoggerService;
      knex?: Knex;
      /** Told when GitLab asks (Retry-After) to be left alone until `until`. */
      onBlocked?: (event: { host: string; until: Date }) => void;
    },
  ): GitLabMergeRequests {
    const own = config.getOptionalConfig('upgradeWaves.gitlab');
    const wantedHost = own?.getOptionalString('host');
    const integrations = config.getOptionalConfigArray('integrations.gitlab');
    const integration = wantedHost
      ? integrations?.find(entry => entry.getString('host') === wantedHost)
      : integrations?.[0];
    if (!integration) {
      throw new Error(
        wantedHost
          ? `upgradeWaves.gitlab.host is ${wantedHost}, but no integrations.gitlab entry has that host`
          : 'Upgrade waves need a GitLab: configure an integrations.gitlab entry',
      );
    }
    const host = integration.getString('host');
    const token = integration.getOptionalString('token');
    if (!token) {
      throw new Error(
        `The integrations.gitlab entry for ${host} has no token; upgrade waves need one to open merge requests`,
      );
    }
    const requestsPerMinute =
      own?.getOptionalNumber('requestsPerMinute') ?? 600;
    const maxAttempts = own?.getOptionalNumber('maxAttempts') ?? 6;
    if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
      throw new Error(
        `upgradeWaves.gitlab.requestsPerMinute must be a positive whole number, not ${requestsPerMinute}`,
      );
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new Error(
        `upgradeWaves.gitlab.maxAttempts must be a positive whole number, not ${maxAttempts}`,
      );
    }
    const maxWaitSeconds = own?.getOptionalNumber('maxWaitSeconds') ?? 60;
    if (!(maxWaitSeconds >= 0)) {
      throw new Error(
        `upgradeWaves.gitlab.maxWaitSeconds must be zero or more, not ${maxWaitSeconds}`,
      );
    }
    return new GitLabMergeRequests({
      host: baseUrlOf(
        host,
        integration.getOptionalString('baseUrl'),
        integration.getOptionalString('apiBaseUrl'),
      ),
      token,
      limiter: limiterFor({
        host,
        requestsPerMinute,
        windowSeconds: own?.getOptionalNumber('rateLimitWindowSeconds') ?? 60,
        maxWaitMs: maxWaitSeconds * 1000,
        knex: options.knex,
        onBlocked: options.onBlocked,
      }),
      maxAttempts,
      timeoutMs: readTimeouts(config).gitlabMs,
      logger: options.logger,
    });
  }

  readonly host: string;
  readonly #api: Gitlab;
  readonly #limiter: GitLabRequestLimiter;

  constructor(options: GitLabMergeRequestsOptions) {
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new RangeError(
        `maxAttempts must be a positive whole number, not ${options.maxAttempts}`,
      );
    }
    this.host = options.host.replace(/\/+$/, '');
    this.#limiter = options.limiter;
    this.#api = new Gitlab({
      host: this.host,
      token: options.token,
      // the requester times each attempt; gitbeaker's one timer per call would count limiter waits too
      queryTimeout: null,
      requesterFn: createLimitedRequester({
        limiter: options.limiter,
        maxAttempts: options.maxAttempts,
        timeoutMs: options.timeoutMs,
        logger: options.logger,
        sleep: options.sleep,
      }),
    });
  }

  /**
   * Until when GitLab asked (with `Retry-After`) that no request be sent, while that lies ahead; undefined
   * otherwise. With the shared limiter this is what any replica was told, so a wave page can say "waiting for
   * GitLab until …".
   */
  blockedUntil(): Promise<Date | undefined> {
    return this.#limiter.blockedUntil();
  }

  async getDefaultBranch(
    project: string,
    options: GitLabCallOptions = {},
  ): Promise<string> {
    const shown = await this.#call(options, project, 'read the project', () =>
      this.#api.Projects.show(project),
    );
    return shown.default_branch;
  }

  /** The file's text at `ref`; undefined when the file does not exist there. */
  async readFile(
    project: string,
    path: string,
    ref: string,
    options: GitLabCallOptions = {},
  ): Promise<string | undefined> {
    // GitLab says "404 File Not Found" for the file, "404 Project Not Found" for the project
    const file = await this.#unlessMissing(
      options,
      project,
      `read ${path} at ${ref}`,
      /file/i,
      () => this.#api.RepositoryFiles.show(project, path, ref),
    );
    if (file === undefined) return undefined;
    return Buffer.from(file.content, file.encoding as BufferEncoding).toString(
      'utf8',
    );
  }

  /** The branch's head commit and whether it is merged into the default branch; undefined when missing. */
  async branch(
    project: string,
    branch: string,
    options: GitLabCallOptions = {},
  ): Promise<{ head: string; merged: boolean } | undefined> {
    const shown = await this.#unlessMissing(
      options,
      project,
      `read branch ${branch}`,
      /branch/i,
      () => this.#api.Branches.show(project, branch),
    );
    if (shown === undefined) return undefined;
    return { head: String(shown.commit.id), merged: Boolean(shown.merged) };
  }

  async deleteBranch(
    project: string,
    branch: string,
    options: GitLabCallOptions = {},
  ): Promise<void> {
    await this.#call(options, project, `delete branch ${branch}`, () =>
      this.#api.Branches.remove(project, branch),
    );
  }

  async branchExists(
    project: string,
    branch: string,
    options: GitLabCallOptions = {},
  ): Promise<boolean> {
    const shown = await this.#unlessMissing(
      options,
      project,
      `read branch ${branch}`,
      /branch/i,
      () => this.#api.Branches.show(project, branch),
    );
    return shown !== undefined;
  }

  async createBranch(
    project: string,
    branch: string,
    ref: string,
    options: GitLabCallOptions = {},
  ): Promise<void> {
    await this.#call(
      options,
      project,
      `create branch ${branch} from ${ref}`,
      () => this.#api.Branches.create(project, branch, ref),
    );
  }

  /** One commit on `branch` that updates every file; returns the commit id. */
  async commitFiles(
    project: string,
    branch: string,
    message: string,
    files: FileContent[],
    options: GitLabCallOptions = {},
  ): Promise<string> {
    const commit = await this.#call(
      options,
      project,
      `commit ${files.map(f => f.path).join(', ')} to ${branch}`,
      () =>
        this.#api.Commits.create(
          project,
          branch,
          message,
          files.map(file => ({
            action: 'update' as const,
            filePath: file.path,
            content: file.content,
          })),
        ),
    );
    return commit.id;
  }

  async findOpenMergeRequest(
    project: string,
    sourceBranch: string,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest | undefined> {
    return this.#findMergeRequest(options, project, sourceBranch, 'opened');
  }

  /** The most recent closed (not merged) merge request from `sourceBranch`, if any. */
  async findClosedMergeRequest(
    project: string,
    sourceBranch: string,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest | undefined> {
    return this.#findMergeRequest(options, project, sourceBranch, 'closed');
  }

  /** The most recent merged merge request from `sourceBranch`, if any. */
  async findMergedMergeRequest(
    project: string,
    sourceBranch: string,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest | undefined> {
    return this.#findMergeRequest(options, project, sourceBranch, 'merged');
  }

  async createMergeRequest(
    project: string,
    request: {
      sourceBranch: string;
      targetBranch: string;
      title: string;
      description: string;
    },
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest> {
    const created = await this.#call(
      options,
      project,
      `open a merge request from ${request.sourceBranch}`,
      () =>
        this.#api.MergeRequests.create(
          project,
          request.sourceBranch,
          request.targetBranch,
          request.title,
          { description: request.description },
        ),
    );
    return toMergeRequest(created);
  }

  async getMergeRequest(
    project: string,
    iid: number,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest> {
    const shown = await this.#call(
      options,
      project,
      `read merge request !${iid}`,
      () => this.#api.MergeRequests.show(project, iid),
    );
    return toMergeRequest(shown);
  }

  async mergeMergeRequest(
    project: string,
    iid: number,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest> {
    const merged = await this.#call(
      options,
      project,
      `merge merge request !${iid}`,
      () => this.#api.MergeRequests.merge(project, iid),
    );
    return toMergeRequest(merged);
  }

  async closeMergeRequest(
    project: string,
    iid: number,
    options: GitLabCallOptions = {},
  ): Promise<MergeRequest> {
    const closed = await this.#call(
      options,
      project,
      `close merge request !${iid}`,
      () => this.#api.MergeRequests.edit(project, iid, { stateEvent: 'close' }),
    );
    return toMergeRequest(closed);
  }

  async diffSummary(
    project: string,
    iid: number,
    options: GitLabCallOptions = {},
  ): Promise<DiffSummary> {
    const diffs = await this.#call(
      options,
      project,
      `read the changes of merge request !${iid}`,
      () => this.#api.MergeRequests.allDiffs(project, iid, { perPage: 100 }),
    );
    let additions = 0;
    let deletions = 0;
    for (const { diff } of diffs) {
      // GitLab's diff field starts at the first hunk, without ---/+++ file headers
      for (const line of diff.split('\n')) {
        if (line.startsWith('+')) additions++;
        else if (line.startsWith('-')) deletions++;
      }
    }
    return { files: diffs.length, additions, deletions };
  }

  async #findMergeRequest(
    options: GitLabCallOptions,
    project: string,
    sourceBranch: string,
    state: 'opened' | 'merged' | 'closed',
  ): Promise<MergeRequest | undefined> {
    const found = await this.#call(
      options,
      project,
      `find ${state} merge requests from ${sourceBranch}`,
      () =>
        this.#api.MergeRequests.all({
          projectId: project,
          sourceBranch,
          state,
          orderBy: 'created_at',
          sort: 'desc',
          perPage: 20,
          maxPages: 1,
        }),
    );
    return found.length > 0
      ? toMergeRequest(found[0] as GitbeakerMergeRequest)
      : undefined;
  }

  /** The call's answer; undefined when GitLab answers 404 for `what` (not for the project). */
  async #unlessMissing<T>(
    options: GitLabCallOptions,
    project: string,
    action: string,
    what: RegExp,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await withGitLabSignal(options.signal, call);
    } catch (error) {
      const failure = requestFailure(error);
      if (failure?.status === 404 && what.test(failure.description)) {
        return undefined;
      }
      throw toGitLabError(error, { host: this.host, project, action });
    }
  }

  async #call<T>(
    options: GitLabCallOptions,
    project: string,
    action: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await withGitLabSignal(options.signal, call);
    } catch (error) {
      throw toGitLabError(error, { host: this.host, project, action });
    }
  }
}

function toMergeRequest(mr: GitbeakerMergeRequest): MergeRequest {
  let state: MergeRequest['state'];
  switch (mr.state) {
    case 'merged':
      state = 'merged';
      break;
    case 'closed':
      state = 'closed';
      break;
    default:
      state = 'opened';
  }
  return {
    iid: mr.iid,
    webUrl: mr.web_url,
    state,
    sourceBranch: mr.source_branch,
    targetBranch: mr.target_branch,
    title: mr.title,
    // GitLab's merge request entity has these; gitbeaker's type leaves them out of the basic schema.
    ...usernameOf(
      'mergedBy',
      (mr as Record<string, unknown>).merged_by ??
        (mr as Record<string, unknown>).merge_user,
    ),
    ...usernameOf('closedBy', (mr as Record<string, unknown>).closed_by),
  };
}

function usernameOf(
  key: 'mergedBy' | 'closedBy',
  user: unknown,
): Partial<Record<'mergedBy' | 'closedBy', string>> {
  const username = (user as { username?: unknown } | null | undefined)
    ?.username;
  return typeof username === 'string' ? { [key]: username } : {};
}

/** The base URL of an integrations.gitlab entry, as @backstage/integration derives it. */
function baseUrlOf(
  host: string,
  baseUrl: string | undefined,
  apiBaseUrl: string | undefined,
): string {
  if (baseUrl) return baseUrl.replace(/\/+$/, '');
  if (apiBaseUrl) return apiBaseUrl.replace(/\/api\/v4\/*$/, '');
  return `https://${host}`;
}

/**
 * `requestsPerMinute` enforced over windows of `windowSeconds`: at most requestsPerMinute × window / 60
 * requests start in any window of that length. A window shorter than a minute smooths bursts (and lets a
 * test see the limit at work in seconds); it never allows more than the per-minute rate. With the plugin's
 * database, the budget is one for all replicas.
 */
function limiterFor(options: {
  host: string;
  requestsPerMinute: number;
  windowSeconds: number;
  maxWaitMs: number;
  knex?: Knex;
  onBlocked?: (event: { host: string; until: Date }) => void;
}): GitLabRequestLimiter {
  const { requestsPerMinute, windowSeconds, knex } = options;
  if (!(windowSeconds > 0 && windowSeconds <= 60)) {
    throw new Error(
      `upgradeWaves.gitlab.rateLimitWindowSeconds must be between 0 and 60, not ${windowSeconds}`,
    );
  }
  const limit = Math.max(
    1,
    Math.floor((requestsPerMinute * windowSeconds) / 60),
  );
  const windowMs = windowSeconds * 1000;
  if (!knex) return new GitLabRateLimiter({ limit, windowMs });
  return new SharedGitLabRateLimiter({
    knex,
    host: options.host,
    limit,
    windowMs,
    maxWaitMs: options.maxWaitMs,
    onBlocked: options.onBlocked,
  });
}
