/*
 * Backstage's own `publish:gitlab` action and GitLab UrlReader against the sandbox: what a
 * scaffolder template with `publish:gitlab` + `catalog:register` does, with no stand-ins.
 */
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createPublishGitlabAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Gitlab } from '@gitbeaker/rest';
import { execFile } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GitLabSandbox } from './index';

const run = promisify(execFile);
// git processes on a shared machine: generous, yet bounded
const GIT_TIMEOUT_MS = 60_000;

const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    gitlab.com/project-slug: fleetdeck/payments-api
spec:
  type: service
  lifecycle: experimental
  owner: group:platform
`;

const WORKSPACE: Record<string, string> = {
  'catalog-info.yaml': CATALOG_INFO,
  'README.md': '# payments-api\n',
  'k8s/base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
  'scripts/entrypoint.sh': '#!/bin/sh\nexec python -m app\n',
};

/** The HTTP status and message behind a gitbeaker rejection. */
function refusalOf(error: unknown): { status: number; message: string } {
  const cause = (
    error as { cause?: { response?: Response; description?: string } }
  ).cause;
  return {
    status: cause?.response?.status ?? -1,
    message: cause?.description ?? String(error),
  };
}

describe('publish:gitlab and the GitLab UrlReader against the sandbox', () => {
  let sandbox: GitLabSandbox;
  let workspacePath: string;
  let config: ConfigReader;
  let host: string;

  const publishAction = () =>
    createPublishGitlabAction({
      integrations: ScmIntegrations.fromConfig(config),
      config,
    });

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createGroup('fleetdeck', { name: 'Fleetdeck' });
    host = new URL(sandbox.url).host;
    config = new ConfigReader({
      integrations: {
        gitlab: [
          {
            host,
            apiBaseUrl: `${sandbox.url}/api/v4`,
            baseUrl: sandbox.url,
            token: sandbox.token,
          },
        ],
      },
    });
    workspacePath = await mkdtemp(path.join(tmpdir(), 'fleetdeck-publish-'));
    for (const [file, content] of Object.entries(WORKSPACE)) {
      await mkdir(path.dirname(path.join(workspacePath, file)), {
        recursive: true,
      });
      await writeFile(path.join(workspacePath, file), content);
    }
    await chmod(path.join(workspacePath, 'scripts/entrypoint.sh'), 0o755);
  });

  afterEach(async () => {
    await sandbox.stop();
    await rm(workspacePath, { recursive: true, force: true });
  });

  it(
    'creates the project, pushes the workspace, and the UrlReader reads catalog-info.yaml from it',
    async () => {
      const ctx = createMockActionContext({
        input: {
          repoUrl: `${host}?owner=fleetdeck&repo=payments-api`,
          settings: { description: 'Payments API' },
          gitAuthorName: 'Scaffolder Bot',
          gitAuthorEmail: 'scaffolder@fleetdeck.invalid',
        },
        workspacePath,
      });
      await publishAction().handler(ctx as any);

      const outputs = Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls as Array<[string, unknown]>,
      );
      const remoteUrl = `${sandbox.url}/fleetdeck/payments-api`;
      expect(outputs).toEqual({
        remoteUrl,
        repoContentsUrl: `${remoteUrl}/-/blob/master`,
        projectId: expect.any(Number),
        commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
        created: true,
      });

      // what GitLab shows of the new project: the pushed branch became its default
      const api = new Gitlab({ host: sandbox.url, token: sandbox.token });
      const project = await api.Projects.show('fleetdeck/payments-api');
      expect(project).toMatchObject({
        id: outputs.projectId,
        description: 'Payments API',
        visibility: 'private',
        default_branch: 'master',
        empty_repo: false,
        namespace: { full_path: 'fleetdeck', kind: 'group' },
      });
      const head = await api.Commits.show(project.id, 'master');
      expect(head).toMatchObject({
        id: outputs.commitHash,
        title: 'initial commit',
        author_name: 'Scaffolder Bot',
        author_email: 'scaffolder@fleetdeck.invalid',
      });
      const tree = await api.Repositories.allRepositoryTrees(project.id, {
        recursive: true,
      });
      expect(
        tree
          .filter(entry => entry.type === 'blob')
          .map(entry => [entry.path, entry.mode])
          .sort(),
      ).toEqual([
        ['README.md', '100644'],
        ['catalog-info.yaml', '100644'],
        ['k8s/base/deployment.yaml', '100644'],
        ['scripts/entrypoint.sh', '100755'],
      ]);

      // catalog:register reads `${repoContentsUrl}/catalog-info.yaml` through the UrlReader
      const reader = UrlReaders.default({
        config,
        logger: mockServices.logger.mock(),
      });
      const read = await reader.readUrl(
        `${outputs.repoContentsUrl}/catalog-info.yaml`,
      );
      expect((await read.buffer()).toString('utf8')).toBe(CATALOG_INFO);
      expect(
        await api.RepositoryFiles.showRaw(
          project.id,
          'catalog-info.yaml',
          'master',
        ),
      ).toBe(CATALOG_INFO);

      // fetch:template and glob locations read whole trees, which GitLab serves as archives
      const k8s = await reader.readTree(`${remoteUrl}/-/tree/master/k8s`);
      const k8sFiles = await k8s.files();
      expect(k8sFiles.map(file => file.path)).toEqual(['base/deployment.yaml']);
      expect(k8s.etag).toBe(outputs.commitHash);
      const found = await reader.search(
        `${remoteUrl}/-/blob/master/**/catalog-info.yaml`,
      );
      expect(found.files.map(file => file.url)).toEqual([
        `${remoteUrl}/-/blob/master/catalog-info.yaml`,
      ]);
      expect((await found.files[0].content()).toString('utf8')).toBe(
        CATALOG_INFO,
      );

      // and git itself gives back the same commit and files
      const clone = path.join(
        workspacePath,
        '..',
        `clone-${project.id}-${Date.now()}`,
      );
      const cloneUrl = new URL(`${remoteUrl}.git`);
      cloneUrl.username = 'oauth2';
      cloneUrl.password = sandbox.token;
      try {
        await run('git', ['clone', '--quiet', cloneUrl.toString(), clone], {
          env: {
            PATH: process.env.PATH,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: devNull,
            GIT_TERMINAL_PROMPT: '0',
          },
        });
        const { stdout: cloned } = await run('git', [
          '-C',
          clone,
          'rev-parse',
          'HEAD',
        ]);
        expect(cloned.trim()).toBe(outputs.commitHash);
        for (const [file, content] of Object.entries(WORKSPACE)) {
          expect(await readFile(path.join(clone, file), 'utf8')).toBe(content);
        }
      } finally {
        await rm(clone, { recursive: true, force: true });
      }
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'runs the options a template adds: default branch, extra branches with protection, owner, variables',
    async () => {
      const ctx = createMockActionContext({
        input: {
          repoUrl: `${host}?owner=fleetdeck&repo=ledger`,
          defaultBranch: 'main',
          setUserAsOwner: true,
          topics: ['payments'],
          branches: [
            { name: 'develop', create: true, ref: 'main', protect: true },
          ],
          projectVariables: [{ key: 'DEPLOY_ENV', value: 'dev' }],
        },
        workspacePath,
      });
      await publishAction().handler(ctx as any);

      const api = new Gitlab({ host: sandbox.url, token: sandbox.token });
      const project = await api.Projects.show('fleetdeck/ledger');
      expect(project).toMatchObject({
        default_branch: 'main',
        topics: ['payments'],
      });
      const branches = await api.Branches.all(project.id);
      expect(branches.map(b => [b.name, b.protected]).sort()).toEqual([
        ['develop', true],
        ['main', true],
      ]);
      const members = await api.ProjectMembers.all(project.id);
      expect(members.map(m => [m.username, m.access_level])).toEqual([
        ['fleetdeck-bot', 50],
      ]);
      const variables = await api.ProjectVariables.all(project.id);
      expect(variables).toEqual([
        expect.objectContaining({ key: 'DEPLOY_ENV', value: 'dev' }),
      ]);
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'refuses a second project on the same path with GitLab’s 400, unless told to skip existing ones',
    async () => {
      const input = { repoUrl: `${host}?owner=fleetdeck&repo=payments-api` };
      await publishAction().handler(
        createMockActionContext({ input, workspacePath }) as any,
      );

      const again = createMockActionContext({ input, workspacePath });
      const refusal = await publishAction()
        .handler(again as any)
        .then(
          () => undefined,
          error => refusalOf(error),
        );
      expect(refusal?.status).toBe(400);
      expect(refusal?.message).toContain('has already been taken');

      const skipping = createMockActionContext({
        input: { ...input, skipExisting: true },
        workspacePath,
      });
      await publishAction().handler(skipping as any);
      expect(skipping.output).toHaveBeenCalledWith('created', false);
      expect(skipping.output).toHaveBeenCalledWith(
        'remoteUrl',
        `${sandbox.url}/fleetdeck/payments-api`,
      );
    },
    GIT_TIMEOUT_MS,
  );

  it(
    'tells the template author that an unknown owner does not exist',
    async () => {
      const ctx = createMockActionContext({
        input: { repoUrl: `${host}?owner=nobody-here&repo=x` },
        workspacePath,
      });
      await expect(publishAction().handler(ctx as any)).rejects.toThrow(
        "The namespace nobody-here is not found or the user doesn't have permissions to access it",
      );
    },
    GIT_TIMEOUT_MS,
  );
});
