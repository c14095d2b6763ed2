import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  serializeError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  GitLabSandbox,
  istioReleaseFiles,
  istioReleasePaths,
} from '@fleetdeck/sandbox';
import { GitLabAccessError } from './errors';
import { GitLabMergeRequests } from './GitLabMergeRequests';
import { GitLabRateLimiter } from './GitLabRateLimiter';

const PROJECT = 'platform/gitops-prod';
const PATHS = istioReleasePaths('prod-eu-1');
const FILES = istioReleaseFiles('prod-eu-1', '1.22.3');

/** Counts the requests it lets through, to compare with what reached GitLab. */
class CountingLimiter extends GitLabRateLimiter {
  acquired = 0;
  /** The Retry-After waits it was told about. */
  heldOff: number[] = [];

  acquire(options?: { signal?: AbortSignal }): Promise<void> {
    this.acquired++;
    return super.acquire(options);
  }

  holdOff(ms: number): Promise<void> {
    this.heldOff.push(ms);
    return super.holdOff(ms);
  }
}

describe('GitLabMergeRequests against the GitLab sandbox', () => {
  let sandbox: GitLabSandbox;
  let limiter: CountingLimiter;
  let waits: number[];
  let logger: ReturnType<typeof mockServices.logger.mock>;

  const client = (
    options: { token?: string; maxAttempts?: number } = {},
  ): GitLabMergeRequests =>
    new GitLabMergeRequests({
      host: sandbox.url,
      token: options.token ?? sandbox.token,
      limiter,
      maxAttempts: options.maxAttempts ?? 6,
      logger,
      sleep: async ms => {
        waits.push(ms);
      },
    });

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({ path: PROJECT, files: FILES });
    limiter = new CountingLimiter();
    waits = [];
    logger = mockServices.logger.mock();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('reads the default branch and files, telling a missing file from a missing project', async () => {
    const gitlab = client();
    expect(await gitlab.getDefaultBranch(PROJECT)).toBe('main');
    expect(await gitlab.readFile(PROJECT, PATHS.istiod, 'main')).toBe(
      FILES[PATHS.istiod],
    );
    expect(
      await gitlab.readFile(PROJECT, 'clusters/nope.yaml', 'main'),
    ).toBeUndefined();

    await expect(
      gitlab.readFile('platform/nope', PATHS.istiod, 'main'),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `GitLab project platform/nope: could not read ${PATHS.istiod} at main: 404 Project Not Found`,
    });
  });

  it('creates a branch and commits several files as one commit of updates', async () => {
    const gitlab = client();
    const branch = 'feature/istio-1.23.0-test';
    expect(await gitlab.branchExists(PROJECT, branch)).toBe(false);
    await gitlab.createBranch(PROJECT, branch, 'main');
    expect(await gitlab.branchExists(PROJECT, branch)).toBe(true);

    const commit = await gitlab.commitFiles(PROJECT, branch, 'Istio 1.23.0', [
      { path: PATHS.base, content: 'base: 2\n' },
      { path: PATHS.istiod, content: 'istiod: 2\n' },
    ]);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await gitlab.readFile(PROJECT, PATHS.base, branch)).toBe(
      'base: 2\n',
    );
    expect(sandbox.readFile(PROJECT, PATHS.istiod, branch)).toBe('istiod: 2\n');
    expect(
      sandbox
        .requestLog()
        .filter(entry => entry.method === 'POST')
        .map(entry => entry.path),
    ).toEqual([
      `/api/v4/projects/${PROJECT}/repository/branches`,
      `/api/v4/projects/${PROJECT}/repository/commits`,
    ]);
  });

  it('opens, finds, reads, merges and closes merge requests, and sums up their diffs', async () => {
    const gitlab = client();
    for (const [branch, content] of [
      ['change-1', 'one\n'],
      ['change-2', 'two\n'],
    ]) {
      await gitlab.createBranch(PROJECT, branch, 'main');
      await gitlab.commitFiles(PROJECT, branch, branch, [
        { path: PATHS.gateway, content },
      ]);
    }
    expect(await gitlab.findOpenMergeRequest(PROJECT, 'change-1')).toBe(
      undefined,
    );

    const opened = await gitlab.createMergeRequest(PROJECT, {
      sourceBranch: 'change-1',
      targetBranch: 'main',
      title: 'Change one',
      description: 'first',
    });
    expect(opened).toEqual({
      iid: 1,
      webUrl: `${sandbox.url}/${PROJECT}/-/merge_requests/1`,
      state: 'opened',
      sourceBranch: 'change-1',
      targetBranch: 'main',
      title: 'Change one',
    });
    expect(await gitlab.findOpenMergeRequest(PROJECT, 'change-1')).toEqual(
      opened,
    );
    expect(await gitlab.getMergeRequest(PROJECT, 1)).toEqual(opened);
    const lines = FILES[PATHS.gateway].split('\n').length - 1;
    expect(await gitlab.diffSummary(PROJECT, 1)).toEqual({
      files: 1,
      additions: 1,
      deletions: lines,
    });

    expect(await gitlab.mergeMergeRequest(PROJECT, 1)).toMatchObject({
      iid: 1,
      state: 'merged',
    });
    expect(await gitlab.findOpenMergeRequest(PROJECT, 'change-1')).toBe(
      undefined,
    );
    // who merged it: the token's user here; a person's username when they merged in GitLab
    expect(await gitlab.findMergedMergeRequest(PROJECT, 'change-1')).toEqual({
      ...opened,
      state: 'merged',
      mergedBy: 'fleetdeck-bot',
    });

    const second = await gitlab.createMergeRequest(PROJECT, {
      sourceBranch: 'change-2',
      targetBranch: 'main',
      title: 'Change two',
      description: '',
    });
    expect(await gitlab.closeMergeRequest(PROJECT, second.iid)).toMatchObject({
      closedBy: 'fleetdeck-bot',
      iid: 2,
      state: 'closed',
    });
  });

  it('sums up a diff of more files than one page holds', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`apps/app-${i}.yaml`, 'a: 1\n']),
    );
    sandbox.pushFiles(PROJECT, { branch: 'main', files: many });
    sandbox.pushFiles(PROJECT, {
      branch: 'many',
      files: Object.fromEntries(
        Object.keys(many).map(path => [path, 'a: 2\n']),
      ),
    });
    const gitlab = client();
    const { iid } = await gitlab.createMergeRequest(PROJECT, {
      sourceBranch: 'many',
      targetBranch: 'main',
      title: 'Many',
      description: '',
    });
    const before = sandbox.requestLog().length;
    expect(await gitlab.diffSummary(PROJECT, iid)).toEqual({
      files: 120,
      additions: 120,
      deletions: 120,
    });
    expect(sandbox.requestLog().length - before).toBe(2);
    expect(limiter.acquired).toBe(sandbox.requestLog().length);
  });

  it('turns refusals into Backstage errors that name the project', async () => {
    const gitlab = client();
    await expect(gitlab.getDefaultBranch('platform/nope')).rejects.toThrow(
      NotFoundError,
    );

    await gitlab.createBranch(PROJECT, 'twice', 'main');
    await expect(
      gitlab.createBranch(PROJECT, 'twice', 'main'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `GitLab project ${PROJECT}: could not create branch twice from main: Branch already exists`,
    });

    await gitlab.commitFiles(PROJECT, 'twice', 'edit', [
      { path: PATHS.base, content: 'x\n' },
    ]);
    const { iid } = await gitlab.createMergeRequest(PROJECT, {
      sourceBranch: 'twice',
      targetBranch: 'main',
      title: 'Twice',
      description: '',
    });
    await gitlab.closeMergeRequest(PROJECT, iid);
    await expect(gitlab.mergeMergeRequest(PROJECT, iid)).rejects.toThrow(
      ConflictError,
    );
    await expect(gitlab.getMergeRequest(PROJECT, 99)).rejects.toThrow(
      NotFoundError,
    );
    // none of these is worth a second attempt
    expect(limiter.acquired).toBe(sandbox.requestLog().length);
    expect(waits).toEqual([]);
  });

  it('names the project and host but never the token when GitLab refuses the token', async () => {
    const token = 'glpat-not-the-right-one';
    const error = await client({ token })
      .getDefaultBranch(PROJECT)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error).toBeInstanceOf(GitLabAccessError);
    expect(error?.message).toBe(
      `GitLab at ${sandbox.url} refused access (401) to project ${PROJECT} when asked to read the project; check the token of the integrations.gitlab entry for ${sandbox.url} and its access to the project`,
    );
    const serialized = JSON.stringify(serializeError(error!));
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain(sandbox.token);
    expect(sandbox.requestLog()).toHaveLength(1);
  });

  it('retries 429 once the limiter has waited out the Retry-After GitLab sent, and 502, each attempt through the limiter', async () => {
    sandbox.injectFaults({
      status: 429,
      times: 2,
      retryAfterSeconds: 1,
      pathPattern: /\/repository\/branches$/,
    });
    sandbox.injectFaults({
      status: 502,
      times: 1,
      pathPattern: /\/repository\/commits$/,
    });
    const gitlab = client();
    await gitlab.createBranch(PROJECT, 'retried', 'main');
    await gitlab.commitFiles(PROJECT, 'retried', 'edit', [
      { path: PATHS.base, content: 'x\n' },
    ]);

    expect(
      sandbox.requestLog().map(entry => `${entry.method} ${entry.status}`),
    ).toEqual(['POST 429', 'POST 429', 'POST 201', 'POST 502', 'POST 201']);
    // the limiter holds every request back for the Retry-After; the retry itself only backs off
    expect(limiter.heldOff).toEqual([1_000, 1_000]);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeLessThan(500);
    expect(waits[1]).toBeLessThan(1_000);
    expect(waits[2]).toBeLessThan(500);
    expect(limiter.acquired).toBe(5);
    expect(sandbox.listMergeRequests(PROJECT)).toEqual([]);
    expect(sandbox.readFile(PROJECT, PATHS.base, 'retried')).toBe('x\n');

    const warnings = logger.warn.mock.calls.map(([message]) => message);
    expect(warnings).toEqual([
      `GitLab POST /api/v4/projects/${encodeURIComponent(
        PROJECT,
      )}/repository/branches answered 429 (attempt 1 of 6); retrying in ${
        waits[0]
      } ms`,
      expect.stringContaining('answered 429 (attempt 2 of 6)'),
      expect.stringContaining(
        '/repository/commits answered 502 (attempt 1 of 6)',
      ),
    ]);
    for (const method of ['debug', 'info', 'warn', 'error'] as const) {
      expect(JSON.stringify(logger[method].mock.calls)).not.toContain(
        sandbox.token,
      );
    }
  });

  it('gives up after its attempts with a ServiceUnavailableError; gitbeaker does not retry on its own', async () => {
    sandbox.injectFaults({ status: 502, times: 5 });
    await expect(
      client({ maxAttempts: 2 }).getDefaultBranch(PROJECT),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `GitLab at ${sandbox.url} answered 502 when asked to read the project in project ${PROJECT}, and kept doing so: 502 Bad Gateway: GitLab is not responding`,
    });
    expect(sandbox.requestLog().map(entry => entry.status)).toEqual([502, 502]);
  });

  it('reports a GitLab it cannot reach as unavailable', async () => {
    await sandbox.stop();
    const unreachable = client({ maxAttempts: 2 }).getDefaultBranch(PROJECT);
    await expect(unreachable).rejects.toThrow(ServiceUnavailableError);
    await expect(unreachable).rejects.toThrow(
      `Could not reach GitLab at ${sandbox.url} to read the project in project ${PROJECT}`,
    );
    expect(waits).toHaveLength(1);
  });

  it('keeps GitLab below the configured rate, retries included', async () => {
    // the real limiter and clock, shortened to 10 requests a second
    limiter = new CountingLimiter({ limit: 10, windowMs: 1_000 });
    sandbox.injectFaults({
      status: 429,
      rate: 0.3,
      seed: 11,
      retryAfterSeconds: 0,
    });
    const gitlab = client({ maxAttempts: 10 });
    for (let i = 0; i < 25; i++) {
      expect(await gitlab.readFile(PROJECT, PATHS.base, 'main')).toBe(
        FILES[PATHS.base],
      );
    }
    const log = sandbox.requestLog();
    expect(log.some(entry => entry.status === 429)).toBe(true);
    expect(limiter.acquired).toBe(log.length);
    // arrival times at the server: every 11th request came at least a window after the 1st,
    // less a little for delivery over loopback
    const at = log.map(entry => entry.at).sort((a, b) => a - b);
    for (let i = 0; i + 10 < at.length; i++) {
      expect(at[i + 10] - at[i]).toBeGreaterThanOrEqual(1_000 - 100);
    }
  });

  describe('fromConfig', () => {
    const config = (gitlab: object, upgradeWaves?: object) =>
      new ConfigReader({
        integrations: { gitlab: gitlab },
        ...(upgradeWaves ? { upgradeWaves: { gitlab: upgradeWaves } } : {}),
      });
    const sandboxEntry = () => ({
      host: sandbox.url.replace(/^http:\/\//, ''),
      apiBaseUrl: `${sandbox.url}/api/v4`,
      token: sandbox.token,
    });

    it('uses the first integration by default', async () => {
      const gitlab = GitLabMergeRequests.fromConfig(config([sandboxEntry()]), {
        logger,
      });
      expect(gitlab.host).toBe(sandbox.url);
      expect(await gitlab.getDefaultBranch(PROJECT)).toBe('main');
    });

    it('uses the integration of upgradeWaves.gitlab.host', async () => {
      const { apiBaseUrl: _, ...entry } = sandboxEntry();
      const gitlab = GitLabMergeRequests.fromConfig(
        config(
          [
            { host: 'gitlab.example.com', token: 'other' },
            { ...entry, baseUrl: sandbox.url },
          ],
          { host: entry.host, requestsPerMinute: 120, maxAttempts: 2 },
        ),
        { logger },
      );
      expect(await gitlab.getDefaultBranch(PROJECT)).toBe('main');
    });

    it('refuses a host without an integration, an integration without a token, and bad numbers', () => {
      expect(() =>
        GitLabMergeRequests.fromConfig(
          config([sandboxEntry()], { host: 'gitlab.example.com' }),
          { logger },
        ),
      ).toThrow(
        'upgradeWaves.gitlab.host is gitlab.example.com, but no integrations.gitlab entry has that host',
      );
      expect(() =>
        GitLabMergeRequests.fromConfig(
          config([{ host: 'gitlab.example.com' }]),
          { logger },
        ),
      ).toThrow(
        'The integrations.gitlab entry for gitlab.example.com has no token',
      );
      expect(() =>
        GitLabMergeRequests.fromConfig(
          config([sandboxEntry()], { requestsPerMinute: 0 }),
          { logger },
        ),
      ).toThrow('upgradeWaves.gitlab.requestsPerMinute');
      expect(() =>
        GitLabMergeRequests.fromConfig(new ConfigReader({}), { logger }),
      ).toThrow('configure an integrations.gitlab entry');
    });
  });
});
