import { Gitlab } from '@gitbeaker/rest';
import { GitLabSandbox, MergedEvent } from './index';

const PROJECT = 'platform/mesh/istio-config';
const BRANCH = 'feature/istio-1.22.3-test';
const VALUES = 'clusters/prod-eu-1/istio/values.yaml';

/** The HTTP status and message behind a gitbeaker rejection. */
async function refusal(
  call: Promise<unknown>,
): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const cause = (
      error as { cause?: { response?: Response; description?: string } }
    ).cause;
    return {
      status: cause?.response?.status ?? -1,
      message: cause?.description ?? '',
    };
  }
  throw new Error('the call succeeded');
}

describe('GitLabSandbox with @gitbeaker/rest', () => {
  let sandbox: GitLabSandbox;
  let api: InstanceType<typeof Gitlab>;

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({
      path: PROJECT,
      files: {
        [VALUES]: 'istio:\n  version: 1.22.2\n',
        'README.md': '# istio config\n',
      },
    });
    api = new Gitlab({ host: sandbox.url, token: sandbox.token });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('names the token user', async () => {
    const user = await api.Users.showCurrentUser();
    expect(user).toMatchObject({ username: 'fleetdeck-bot', state: 'active' });
    expect(typeof user.id).toBe('number');
  });

  it('finds a project by its path and by its id', async () => {
    const byPath = await api.Projects.show(PROJECT);
    expect(byPath).toMatchObject({
      name: 'istio-config',
      path: 'istio-config',
      path_with_namespace: PROJECT,
      default_branch: 'main',
      web_url: `${sandbox.url}/${PROJECT}`,
      http_url_to_repo: `${sandbox.url}/${PROJECT}.git`,
    });
    const byId = await api.Projects.show(byPath.id);
    expect(byId.path_with_namespace).toBe(PROJECT);
  });

  it('reads a file as base64 with its blob and commit ids, and raw', async () => {
    const file = await api.RepositoryFiles.show(PROJECT, VALUES, 'main');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe(
      'istio:\n  version: 1.22.2\n',
    );
    expect(file).toMatchObject({
      encoding: 'base64',
      file_name: 'values.yaml',
      file_path: VALUES,
      ref: 'main',
      size: 25,
    });
    // what `git hash-object` gives for this content, so blob ids agree with git's
    expect(file.blob_id).toBe('5e17ebe43de5d126a1d2caaaecb0d77caac7edc4');
    expect(file.last_commit_id).toMatch(/^[0-9a-f]{40}$/);
    expect(await api.RepositoryFiles.showRaw(PROJECT, VALUES, 'main')).toBe(
      'istio:\n  version: 1.22.2\n',
    );
    expect(
      await refusal(api.RepositoryFiles.show(PROJECT, 'nope.yaml', 'main')),
    ).toEqual({
      status: 404,
      message: '404 File Not Found',
    });
  });

  it('carries a change from a branch to the default branch through an approved merge request', async () => {
    const merges: MergedEvent[] = [];
    sandbox.onMerge(event => merges.push(event));

    const branch = await api.Branches.create(PROJECT, BRANCH, 'main');
    expect(branch.name).toBe(BRANCH);
    expect((await api.Branches.show(PROJECT, BRANCH)).name).toBe(BRANCH);

    const commit = await api.Commits.create(
      PROJECT,
      BRANCH,
      'Istio 1.22.3 on prod-eu-1',
      [
        {
          action: 'update',
          filePath: VALUES,
          content: 'istio:\n  version: 1.22.3\n',
        },
        {
          action: 'create',
          filePath: 'CHANGELOG.md',
          content: '- istio 1.22.3\n',
        },
      ],
    );
    expect(commit.id).toMatch(/^[0-9a-f]{40}$/);
    expect(commit).toMatchObject({
      title: 'Istio 1.22.3 on prod-eu-1',
      short_id: commit.id.slice(0, 8),
    });
    expect(commit.parent_ids).toHaveLength(1);

    const opened = await api.MergeRequests.create(
      PROJECT,
      BRANCH,
      'main',
      'Istio 1.22.3',
      {
        description: 'wave 1',
      },
    );
    expect(opened).toMatchObject({
      iid: 1,
      state: 'opened',
      source_branch: BRANCH,
      target_branch: 'main',
      detailed_merge_status: 'mergeable',
      sha: commit.id,
      changes_count: '2',
      web_url: `${sandbox.url}/${PROJECT}/-/merge_requests/1`,
      author: { username: 'fleetdeck-bot' },
    });

    expect(
      await refusal(
        api.MergeRequests.create(PROJECT, BRANCH, 'main', 'Istio 1.22.3 again'),
      ),
    ).toEqual({
      status: 409,
      message: JSON.stringify([
        'Another open merge request already exists for this source branch: !1',
      ]),
    });

    const bySource = await api.MergeRequests.all({
      projectId: PROJECT,
      sourceBranch: BRANCH,
      state: 'opened',
    });
    expect(bySource.map(mr => mr.iid)).toEqual([1]);
    expect(
      await api.MergeRequests.all({
        projectId: PROJECT,
        sourceBranch: 'other',
      }),
    ).toEqual([]);

    const diffs = await api.MergeRequests.allDiffs(PROJECT, 1);
    expect(diffs.map(d => [d.new_path, d.new_file])).toEqual([
      ['CHANGELOG.md', true],
      [VALUES, false],
    ]);
    expect(diffs[1].diff).toBe(
      '@@ -1,2 +1,2 @@\n istio:\n-  version: 1.22.2\n+  version: 1.22.3\n',
    );

    await api.MergeRequestApprovals.approve(PROJECT, 1);
    const approvals = await api.MergeRequestApprovals.showConfiguration(
      PROJECT,
      { mergerequestIId: 1 },
    );
    expect(approvals.approved).toBe(true);
    expect(approvals.approved_by).toEqual([
      { user: expect.objectContaining({ username: 'fleetdeck-bot' }) },
    ]);

    const merged = await api.MergeRequests.merge(PROJECT, 1);
    expect(merged.state).toBe('merged');
    expect(merged.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.merged_at).toEqual(expect.any(String));

    expect(sandbox.readFile(PROJECT, VALUES)).toBe(
      'istio:\n  version: 1.22.3\n',
    );
    expect(
      await api.RepositoryFiles.showRaw(PROJECT, 'CHANGELOG.md', 'main'),
    ).toBe('- istio 1.22.3\n');
    expect(merges).toEqual([
      {
        projectPath: PROJECT,
        iid: 1,
        targetBranch: 'main',
        changedFiles: ['CHANGELOG.md', VALUES],
      },
    ]);
    expect(sandbox.listMergeRequests(PROJECT)).toEqual([
      expect.objectContaining({
        iid: 1,
        state: 'merged',
        approvedBy: ['fleetdeck-bot'],
      }),
    ]);
    // a merged merge request cannot be merged again
    expect(await refusal(api.MergeRequests.merge(PROJECT, 1))).toEqual({
      status: 405,
      message: '405 Method Not Allowed',
    });
  });

  it('closes a merge request and refuses to merge it', async () => {
    await api.Branches.create(PROJECT, 'feature/drop', 'main');
    await api.Commits.create(PROJECT, 'feature/drop', 'drop readme', [
      { action: 'delete', filePath: 'README.md' },
    ]);
    const { iid } = await api.MergeRequests.create(
      PROJECT,
      'feature/drop',
      'main',
      'Drop readme',
    );

    const closed = await api.MergeRequests.edit(PROJECT, iid, {
      stateEvent: 'close',
    });
    expect(closed).toMatchObject({
      state: 'closed',
      detailed_merge_status: 'not_open',
    });
    expect(closed.closed_at).toEqual(expect.any(String));
    expect(await refusal(api.MergeRequests.merge(PROJECT, iid))).toEqual({
      status: 405,
      message: '405 Method Not Allowed',
    });
    expect(sandbox.readFile(PROJECT, 'README.md')).toBe('# istio config\n');
    expect(
      (
        await api.MergeRequests.all({ projectId: PROJECT, state: 'closed' })
      ).map(mr => mr.iid),
    ).toEqual([iid]);
  });

  it('holds back a merge until the required approvals are given', async () => {
    sandbox.createProject({
      path: 'platform/guarded',
      files: { 'a.txt': 'a\n' },
      approvalsRequired: 1,
    });
    await api.Commits.create(
      'platform/guarded',
      'change',
      'edit a',
      [{ action: 'update', filePath: 'a.txt', content: 'b\n' }],
      { startBranch: 'main' },
    );
    const { iid } = await api.MergeRequests.create(
      'platform/guarded',
      'change',
      'main',
      'Edit a',
    );

    expect(
      (await api.MergeRequests.show('platform/guarded', iid))
        .detailed_merge_status,
    ).toBe('not_approved');
    expect(
      (await refusal(api.MergeRequests.merge('platform/guarded', iid))).status,
    ).toBe(405);

    await api.MergeRequestApprovals.approve('platform/guarded', iid);
    expect(
      (
        await refusal(
          api.MergeRequestApprovals.approve('platform/guarded', iid),
        )
      ).status,
    ).toBe(401);
    expect((await api.MergeRequests.merge('platform/guarded', iid)).state).toBe(
      'merged',
    );
  });

  it('refuses a merge that conflicts with the target branch, with 406', async () => {
    await api.Branches.create(PROJECT, BRANCH, 'main');
    await api.RepositoryFiles.edit(
      PROJECT,
      VALUES,
      BRANCH,
      'istio:\n  version: 1.22.3\n',
      'bump',
    );
    sandbox.pushFiles(PROJECT, {
      branch: 'main',
      files: { [VALUES]: 'istio:\n  version: 1.23.0\n' },
    });
    const { iid } = await api.MergeRequests.create(
      PROJECT,
      BRANCH,
      'main',
      'Istio 1.22.3',
    );

    const shown = await api.MergeRequests.show(PROJECT, iid);
    expect(shown).toMatchObject({
      has_conflicts: true,
      merge_status: 'cannot_be_merged',
      detailed_merge_status: 'conflict',
    });
    expect(await refusal(api.MergeRequests.merge(PROJECT, iid))).toEqual({
      status: 406,
      message: 'Branch cannot be merged',
    });
    expect(sandbox.readFile(PROJECT, VALUES)).toBe(
      'istio:\n  version: 1.23.0\n',
    );
  });

  it('creates and updates files through the files API, refusing what GitLab refuses', async () => {
    const created = await api.RepositoryFiles.create(
      PROJECT,
      'docs/new.md',
      'main',
      'new\n',
      'add',
    );
    expect(created).toEqual({ file_path: 'docs/new.md', branch: 'main' });
    expect(
      await refusal(
        api.RepositoryFiles.create(
          PROJECT,
          'docs/new.md',
          'main',
          'again',
          'add',
        ),
      ),
    ).toEqual({ status: 400, message: 'A file with this name already exists' });

    await api.RepositoryFiles.edit(
      PROJECT,
      'docs/new.md',
      'main',
      Buffer.from('v2\n').toString('base64'),
      'edit',
      {
        encoding: 'base64',
      },
    );
    expect(sandbox.readFile(PROJECT, 'docs/new.md')).toBe('v2\n');
    expect(
      await refusal(
        api.RepositoryFiles.edit(
          PROJECT,
          'docs/missing.md',
          'main',
          'x',
          'edit',
        ),
      ),
    ).toEqual({ status: 400, message: "A file with this name doesn't exist" });
    expect(
      await refusal(
        api.RepositoryFiles.create(
          PROJECT,
          'x.md',
          'no-such-branch',
          'x',
          'add',
        ),
      ),
    ).toEqual({
      status: 400,
      message: 'You can only create or edit files when you are on a branch',
    });
  });

  it('lists the repository tree', async () => {
    const root = await api.Repositories.allRepositoryTrees(PROJECT);
    expect(root.map(e => [e.type, e.path])).toEqual([
      ['tree', 'clusters'],
      ['blob', 'README.md'],
    ]);
    const all = await api.Repositories.allRepositoryTrees(PROJECT, {
      recursive: true,
      path: 'clusters',
    });
    expect(all.map(e => e.path)).toEqual([
      'clusters/prod-eu-1',
      'clusters/prod-eu-1/istio',
      VALUES,
    ]);
  });

  it('deletes a branch but not the default one', async () => {
    await api.Branches.create(PROJECT, BRANCH, 'main');
    await api.Branches.remove(PROJECT, BRANCH);
    expect((await refusal(api.Branches.show(PROJECT, BRANCH))).status).toBe(
      404,
    );
    expect(await refusal(api.Branches.remove(PROJECT, 'main'))).toEqual({
      status: 405,
      message: 'Cannot remove HEAD branch',
    });
  });

  it('follows pagination links to list every item', async () => {
    for (let i = 0; i < 25; i++) {
      await api.Branches.create(
        PROJECT,
        `feature/b-${String(i).padStart(2, '0')}`,
        'main',
      );
    }
    const all = await api.Branches.all(PROJECT);
    expect(all).toHaveLength(26);
    const firstPage = await api.Branches.all(PROJECT, {
      perPage: 10,
      page: 1,
      showExpanded: true,
    });
    expect(firstPage.data).toHaveLength(10);
    expect(firstPage.paginationInfo).toMatchObject({
      total: 26,
      totalPages: 3,
      next: 2,
      current: 1,
    });
  });

  it('refuses a bad token with 401', async () => {
    const intruder = new Gitlab({ host: sandbox.url, token: 'wrong' });
    expect(await refusal(intruder.Projects.show(PROJECT))).toEqual({
      status: 401,
      message: '401 Unauthorized',
    });
  });

  it('answers 404 for an unknown project', async () => {
    expect(await refusal(api.Projects.show('platform/nope'))).toEqual({
      status: 404,
      message: '404 Project Not Found',
    });
  });

  it('lets the client retry through an injected 429, and surfaces a 500', async () => {
    sandbox.injectFaults({
      status: 429,
      times: 1,
      retryAfterSeconds: 7,
      pathPattern: /\/projects\//,
    });
    expect((await api.Projects.show(PROJECT)).path_with_namespace).toBe(
      PROJECT,
    );
    expect(sandbox.requestLog().map(entry => entry.status)).toEqual([429, 200]);

    sandbox.injectFaults({ status: 500, times: 1 });
    expect(await refusal(api.Users.showCurrentUser())).toEqual({
      status: 500,
      message: '500 Internal Server Error',
    });
    expect((await api.Users.showCurrentUser()).username).toBe('fleetdeck-bot');
  });
});
