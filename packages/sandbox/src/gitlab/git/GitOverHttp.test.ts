import { Gitlab } from '@gitbeaker/rest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { GitLabSandbox } from '../index';

const execFileAsync = promisify(execFile);

const SEEDED = 'platform/gitops-test';
// git processes on a shared machine: generous, yet bounded
const GIT_TIMEOUT_MS = 60_000;

/** The git command line as a developer runs it, with no settings of this machine's. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: devNull,
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@fleetdeck.invalid',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@fleetdeck.invalid',
    },
  });
  return stdout.trim();
}

/** What git prints when a command fails. */
async function gitFailure(cwd: string, ...args: string[]): Promise<string> {
  try {
    await git(cwd, ...args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`git ${args.join(' ')} succeeded`);
}

describe('git over HTTP against the GitLab sandbox', () => {
  let sandbox: GitLabSandbox;
  let api: InstanceType<typeof Gitlab>;
  let work: string;

  const remote = (projectPath: string, password = sandbox.token) => {
    const url = new URL(`${sandbox.url}/${projectPath}.git`);
    url.username = 'oauth2';
    url.password = password;
    return url.toString();
  };

  /** A new local repository with these files committed on `branch`. */
  const localRepository = async (
    name: string,
    files: Record<string, string>,
    branch = 'main',
  ) => {
    const dir = path.join(work, name);
    await git(work, 'init', '--quiet', `--initial-branch=${branch}`, dir);
    for (const [file, content] of Object.entries(files)) {
      await execFileAsync('mkdir', ['-p', path.dirname(path.join(dir, file))]);
      await writeFile(path.join(dir, file), content);
    }
    await git(dir, 'add', '.');
    await git(dir, 'commit', '--quiet', '-m', 'first');
    return dir;
  };

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({
      path: SEEDED,
      files: {
        'README.md': '# gitops\n',
        'clusters/test-1/istiod.yaml': 'v: 1\n',
      },
    });
    sandbox.createGroup('apps');
    api = new Gitlab({ host: sandbox.url, token: sandbox.token });
    work = await mkdtemp(path.join(tmpdir(), 'fleetdeck-git-'));
  });

  afterEach(async () => {
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  });

  it(
    'takes a push to a new empty project and shows it through the API with git’s ids',
    async () => {
      const project = await api.Projects.create({
        name: 'orders',
        namespaceId: (await api.Namespaces.show('apps')).id,
      });
      expect(project).toMatchObject({
        empty_repo: true,
        default_branch: 'main',
      });
      const dir = await localRepository(
        'orders',
        {
          'catalog-info.yaml': 'kind: Component\n',
          'src/app.py': 'print(1)\n',
        },
        'trunk',
      );
      await git(dir, 'push', '--quiet', remote('apps/orders'), 'trunk');
      const pushed = await git(dir, 'rev-parse', 'HEAD');

      const shown = await api.Projects.show('apps/orders');
      expect(shown).toMatchObject({
        empty_repo: false,
        default_branch: 'trunk',
      });
      expect((await api.Commits.show('apps/orders', 'trunk')).id).toBe(pushed);
      expect(
        await api.RepositoryFiles.showRaw('apps/orders', 'src/app.py', 'trunk'),
      ).toBe('print(1)\n');
      const file = await api.RepositoryFiles.show(
        'apps/orders',
        'catalog-info.yaml',
        'trunk',
      );
      expect(file.blob_id).toBe(
        await git(dir, 'rev-parse', 'HEAD:catalog-info.yaml'),
      );
      const [srcFolder] = await api.Repositories.allRepositoryTrees(
        'apps/orders',
        { ref: 'trunk' },
      );
      expect(srcFolder).toMatchObject({ path: 'src', type: 'tree' });
      expect(srcFolder.id).toBe(await git(dir, 'rev-parse', 'HEAD:src'));
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'serves the seeded projects, and commits made through the API, to a clone with the same ids',
    async () => {
      const commit = await api.Commits.create(SEEDED, 'main', 'Istio 1.22.3', [
        {
          action: 'update',
          filePath: 'clusters/test-1/istiod.yaml',
          content: 'v: 2\n',
        },
        { action: 'create', filePath: 'bin/run.sh', content: '#!/bin/sh\n' },
        { action: 'chmod', filePath: 'bin/run.sh', execute_filemode: true },
      ]);
      const clone = path.join(work, 'clone');
      await git(work, 'clone', '--quiet', remote(SEEDED), clone);

      expect(await git(clone, 'rev-parse', 'HEAD')).toBe(commit.id);
      expect(await git(clone, 'log', '--format=%s', '-2')).toBe(
        'Istio 1.22.3\nInitial commit',
      );
      expect(
        await readFile(path.join(clone, 'clusters/test-1/istiod.yaml'), 'utf8'),
      ).toBe('v: 2\n');
      expect(await git(clone, 'ls-files', '-s', 'bin/run.sh')).toMatch(
        /^100755 /,
      );
      // every object the sandbox wrote is one git accepts
      await git(clone, 'fsck', '--strict', '--no-progress');
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'brings a pushed branch to merge requests, and the merge back to git',
    async () => {
      const clone = path.join(work, 'clone');
      await git(work, 'clone', '--quiet', remote(SEEDED), clone);
      await git(clone, 'checkout', '--quiet', '-b', 'feature/istio-1.23');
      await writeFile(
        path.join(clone, 'clusters/test-1/istiod.yaml'),
        'v: 3\n',
      );
      await git(clone, 'commit', '--quiet', '-am', 'Istio 1.23');
      await git(clone, 'push', '--quiet', 'origin', 'feature/istio-1.23');

      const mr = await api.MergeRequests.create(
        SEEDED,
        'feature/istio-1.23',
        'main',
        'Istio 1.23 for test',
      );
      const changes = await api.MergeRequests.allDiffs(SEEDED, mr.iid);
      expect(changes.map(change => change.new_path)).toEqual([
        'clusters/test-1/istiod.yaml',
      ]);
      const merged = await api.MergeRequests.merge(SEEDED, mr.iid);

      await git(clone, 'checkout', '--quiet', 'main');
      await git(clone, 'pull', '--quiet', '--ff-only');
      expect(await git(clone, 'rev-parse', 'HEAD')).toBe(
        merged.merge_commit_sha,
      );
      expect(
        await readFile(path.join(clone, 'clusters/test-1/istiod.yaml'), 'utf8'),
      ).toBe('v: 3\n');
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'refuses, with GitLab’s words, to force-push or delete a protected branch, and allows both elsewhere',
    async () => {
      const clone = path.join(work, 'clone');
      await git(work, 'clone', '--quiet', remote(SEEDED), clone);
      await git(clone, 'commit', '--quiet', '--amend', '-m', 'rewritten');

      const forced = await gitFailure(
        clone,
        'push',
        '--force',
        'origin',
        'main',
      );
      expect(forced).toContain(
        'GitLab: You are not allowed to force push code to a protected branch on this project.',
      );
      const deleted = await gitFailure(clone, 'push', 'origin', ':main');
      expect(deleted).toContain(
        'GitLab: You can only delete protected branches using the web interface.',
      );
      const { id: seededHead } = await api.Commits.show(SEEDED, 'main');
      expect(await git(clone, 'rev-parse', 'origin/main')).toBe(seededHead);

      await git(clone, 'push', '--quiet', 'origin', 'HEAD:scratch');
      await git(clone, 'reset', '--quiet', '--hard', 'origin/main');
      await git(clone, 'push', '--quiet', '--force', 'origin', 'HEAD:scratch');
      expect((await api.Branches.show(SEEDED, 'scratch')).commit.id).toBe(
        seededHead,
      );
      await git(clone, 'push', '--quiet', 'origin', ':scratch');
      expect((await api.Branches.all(SEEDED)).map(b => b.name)).toEqual([
        'main',
      ]);
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'keeps the bytes of a pushed binary file through a later commit made with the API',
    async () => {
      const binary = Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x0a,
      ]);
      const dir = await localRepository('assets', {
        'README.md': '# assets\n',
      });
      await writeFile(path.join(dir, 'logo.png'), binary);
      await git(dir, 'add', '.');
      await git(dir, 'commit', '--quiet', '-m', 'logo');
      await api.Projects.create({
        path: 'assets',
        namespaceId: (await api.Namespaces.show('apps')).id,
      });
      await git(dir, 'push', '--quiet', remote('apps/assets'), 'main');

      await api.RepositoryFiles.edit(
        'apps/assets',
        'README.md',
        'main',
        '# assets\n\nLogos.\n',
        'Describe',
      );
      await git(dir, 'pull', '--quiet', remote('apps/assets'), 'main');
      expect(await readFile(path.join(dir, 'logo.png'))).toEqual(binary);
      expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe(
        '# assets\n\nLogos.\n',
      );
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'serves archives of a ref, whole or under a path, made by git',
    async () => {
      await api.Commits.create(SEEDED, 'main', 'second', [
        {
          action: 'create',
          filePath: 'clusters/prod-1/istiod.yaml',
          content: 'v: 1\n',
        },
      ]);
      const { id: head } = await api.Commits.show(SEEDED, 'main');
      const http = request(sandbox.url);
      const archive = `/api/v4/projects/${encodeURIComponent(
        SEEDED,
      )}/repository`;
      const whole = await http
        .get(`${archive}/archive.tar.gz`)
        .query({ sha: 'main', path: 'clusters/prod-1' })
        .set('PRIVATE-TOKEN', sandbox.token)
        .buffer(true)
        .parse((response, callback) => {
          const chunks: Buffer[] = [];
          response.on('data', chunk => chunks.push(chunk));
          response.on('end', () => callback(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(whole.headers['content-type']).toBe('application/gzip');
      const file = path.join(work, 'archive.tar.gz');
      await writeFile(file, whole.body);
      const { stdout } = await execFileAsync('tar', ['-tzf', file]);
      const prefix = `gitops-test-main-${head}-clusters-prod-1/`;
      expect(
        stdout.split('\n').filter(line => line !== '' && !line.endsWith('/')),
      ).toEqual([`${prefix}clusters/prod-1/istiod.yaml`]);

      await http
        .get(`${archive}/archive`)
        .query({ sha: 'nope' })
        .set('PRIVATE-TOKEN', sandbox.token)
        .expect(404);
      await http
        .get(`${archive}/archive.zip`)
        .query({ path: 'no/such/folder' })
        .set('PRIVATE-TOKEN', sandbox.token)
        .expect(404);
      await http.get(`${archive}/archive`).expect(401);
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'answers 401 with a Basic challenge to a missing or wrong token, and 404 to an unknown project',
    async () => {
      const http = request(sandbox.url);
      const refs = `/${SEEDED}.git/info/refs?service=git-upload-pack`;
      const anonymous = await http.get(refs).expect(401);
      expect(anonymous.headers['www-authenticate']).toBe(
        'Basic realm="GitLab"',
      );
      await http.get(refs).auth('oauth2', 'glpat-wrong').expect(401);
      await http
        .post(`/${SEEDED}.git/git-receive-pack`)
        .auth('oauth2', 'glpat-wrong')
        .expect(401);
      await http
        .get('/platform/nope.git/info/refs?service=git-upload-pack')
        .auth('oauth2', sandbox.token)
        .expect(404);
      // the dumb protocol is not served
      await http
        .get(`/${SEEDED}.git/info/refs`)
        .auth('oauth2', sandbox.token)
        .expect(404);
      const ok = await http.get(refs).auth('oauth2', sandbox.token).expect(200);
      expect(ok.headers['content-type']).toBe(
        'application/x-git-upload-pack-advertisement',
      );

      const failure = await gitFailure(
        work,
        'clone',
        remote(SEEDED, 'glpat-wrong'),
        path.join(work, 'denied'),
      );
      expect(failure).toContain('Authentication failed');
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'keeps its bare repositories in a folder of its own, removed when it stops',
    async () => {
      const parent = path.join(work, 'tmp');
      await execFileAsync('mkdir', [parent]);
      const own = await GitLabSandbox.start({ gitParentDir: parent });
      try {
        own.createProject({ path: 'apps/api', files: { 'a.txt': 'a\n' } });
        const url = new URL(`${own.url}/apps/api.git`);
        url.username = 'oauth2';
        url.password = own.token;
        await git(
          work,
          'clone',
          '--quiet',
          url.toString(),
          path.join(work, 'c'),
        );
        expect(await readdir(parent)).toEqual([
          expect.stringMatching(/^fleetdeck-gitlab-/),
        ]);
        await own.stop();
        expect(await readdir(parent)).toEqual([]);
      } finally {
        await own.stop();
      }
    },
    GIT_TIMEOUT_MS,
  );
});
