import { mockServices } from '@backstage/backend-test-utils';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  GitLabSandbox,
  istioReleaseFiles,
  istioReleasePaths,
} from '@fleetdeck/sandbox';
import { Gitlab } from '@gitbeaker/rest';
import { GitLabMergeRequests, GitLabRateLimiter } from '../gitlab';
import {
  MergeRequestFlow,
  rollbackBranch,
  rollbackTitle,
  upgradeBranch,
  upgradeTitle,
  VersionChange,
} from './MergeRequestFlow';

const PROJECT = 'platform/gitops-prod';
const CLUSTERS = ['prod-eu-1', 'prod-eu-2', 'prod-us-1'];
const BATCH = 'prod-wave-1';
const PREVIOUS = '1.22.3';
const TARGET = '1.23.0';
const KUSTOMIZATION = 'clusters/prod-eu-1/kustomization.yaml';

const pathsOf = (cluster: string) => Object.values(istioReleasePaths(cluster));

function upgrade(
  cluster: string,
  batchId = BATCH,
  version = TARGET,
): VersionChange {
  return {
    kind: 'upgrade',
    project: PROJECT,
    branch: upgradeBranch(version, batchId),
    title: upgradeTitle(version, batchId),
    description: `Clusters: ${cluster}`,
    paths: pathsOf(cluster),
    version,
    commitMessage: `Istio ${version} for ${batchId}`,
  };
}

describe('upgrade and rollback names', () => {
  it('follow GUARD', () => {
    expect(upgradeBranch('1.23.0', 'prod-wave-1')).toBe(
      'feature/istio-1.23.0-prod-wave-1',
    );
    expect(upgradeTitle('1.23.0', 'prod-wave-1')).toBe(
      'Istio upgrade to v1.23.0 for prod-wave-1',
    );
    expect(rollbackBranch('1.22.3', 'prod-wave-1')).toBe(
      'rollback/istio-1.22.3-prod-wave-1',
    );
    expect(rollbackTitle('1.22.3', 'prod-wave-1')).toBe(
      'Rollback Istio to v1.22.3 for prod-wave-1',
    );
  });
});

describe('MergeRequestFlow against the GitLab sandbox', () => {
  let sandbox: GitLabSandbox;
  // the plain gitbeaker client, to look at what the flow left behind
  let api: Gitlab;
  let waits: number[];
  // what the limiter waited (GitLab's Retry-After), on a virtual clock so the test takes no real time for it
  let holdOffs: number[];
  let virtualNow = 0;
  const virtualClock = {
    now: () => virtualNow,
    sleep: async (ms: number) => {
      holdOffs.push(ms);
      virtualNow += ms;
    },
  };

  const flow = (maxAttempts = 6) =>
    new MergeRequestFlow({
      gitlab: new GitLabMergeRequests({
        host: sandbox.url,
        token: sandbox.token,
        limiter: new GitLabRateLimiter({ clock: virtualClock }),
        maxAttempts,
        logger: mockServices.logger.mock(),
        sleep: async ms => {
          waits.push(ms);
        },
      }),
      logger: mockServices.logger.mock(),
    });

  /** The requests that changed something, during `action`. */
  async function writesDuring(action: () => Promise<unknown>) {
    const before = sandbox.requestLog().length;
    await action();
    return sandbox
      .requestLog()
      .slice(before)
      .filter(entry => entry.method !== 'GET')
      .map(entry => `${entry.method} ${entry.path.split(`${PROJECT}/`)[1]}`);
  }

  const branchNames = async () =>
    (await api.Branches.all(PROJECT)).map(branch => branch.name).sort();

  const commitsOf = async (iid: number) =>
    (await api.MergeRequests.allCommits(PROJECT, iid)).map(c => c.title);

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({
      path: PROJECT,
      files: Object.assign(
        {
          'README.md': '# prod\n',
          [KUSTOMIZATION]:
            'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - istio\n',
        },
        ...CLUSTERS.map(cluster => istioReleaseFiles(cluster, PREVIOUS)),
      ),
    });
    api = new Gitlab({ host: sandbox.url, token: sandbox.token });
    waits = [];
    holdOffs = [];
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('opens one branch, one commit and one merge request that changes only version lines', async () => {
    const change = upgrade('prod-eu-1');
    const mr = await flow().openVersionChange(change);

    expect(mr).toEqual({
      kind: 'upgrade',
      project: PROJECT,
      iid: 1,
      webUrl: `${sandbox.url}/${PROJECT}/-/merge_requests/1`,
      branch: 'feature/istio-1.23.0-prod-wave-1',
      title: 'Istio upgrade to v1.23.0 for prod-wave-1',
      state: 'opened',
      diff: { files: 3, additions: 3, deletions: 3 },
    });
    expect(await branchNames()).toEqual([change.branch, 'main']);
    expect(await commitsOf(1)).toEqual(['Istio 1.23.0 for prod-wave-1']);
    expect(sandbox.listMergeRequests(PROJECT)).toEqual([
      expect.objectContaining({
        iid: 1,
        sourceBranch: change.branch,
        targetBranch: 'main',
        description: 'Clusters: prod-eu-1',
      }),
    ]);

    const diffs = await api.MergeRequests.allDiffs(PROJECT, 1);
    expect(diffs.map(d => d.new_path).sort()).toEqual([...change.paths].sort());
    for (const { diff } of diffs) {
      const changed = diff
        .split('\n')
        .filter(line => line.startsWith('+') || line.startsWith('-'));
      expect(changed).toEqual([
        '-      version: "1.22.3" # keep in step with the other Istio releases of this cluster',
        '+      version: "1.23.0" # keep in step with the other Istio releases of this cluster',
      ]);
    }
  });

  it('finds everything and writes nothing when asked again', async () => {
    const first = await flow().openVersionChange(upgrade('prod-eu-1'));
    let again: unknown;
    expect(
      await writesDuring(async () => {
        again = await flow().openVersionChange(upgrade('prod-eu-1'));
      }),
    ).toEqual([]);
    expect(again).toEqual(first);
    expect(sandbox.listMergeRequests(PROJECT)).toHaveLength(1);
  });

  it('carries on after a crash that followed the branch, without a second branch', async () => {
    sandbox.injectFaults({
      status: 500,
      times: 1,
      pathPattern: /\/repository\/commits$/,
    });
    await expect(
      flow(1).openVersionChange(upgrade('prod-eu-1')),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(await branchNames()).toEqual([upgrade('prod-eu-1').branch, 'main']);
    expect(sandbox.listMergeRequests(PROJECT)).toEqual([]);

    expect(
      await writesDuring(() => flow().openVersionChange(upgrade('prod-eu-1'))),
    ).toEqual(['POST repository/commits', 'POST merge_requests']);
    expect(await commitsOf(1)).toHaveLength(1);
    expect(await branchNames()).toHaveLength(2);
  });

  it('carries on after a crash that followed the commit, without a second commit', async () => {
    sandbox.injectFaults({
      status: 500,
      times: 1,
      pathPattern: /\/merge_requests$/,
    });
    await expect(
      flow(1).openVersionChange(upgrade('prod-eu-1')),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(sandbox.listMergeRequests(PROJECT)).toEqual([]);

    expect(
      await writesDuring(() => flow().openVersionChange(upgrade('prod-eu-1'))),
    ).toEqual(['POST merge_requests']);
    expect(await commitsOf(1)).toEqual(['Istio 1.23.0 for prod-wave-1']);
  });

  it('merges once, is fine being asked again, and will not close a merged request', async () => {
    const { iid } = await flow().openVersionChange(upgrade('prod-eu-1'));
    expect(await flow().merge(PROJECT, iid)).toMatchObject({
      iid,
      state: 'merged',
    });
    expect(
      await writesDuring(async () =>
        expect(await flow().merge(PROJECT, iid)).toMatchObject({
          state: 'merged',
        }),
      ),
    ).toEqual([]);
    expect(sandbox.readFile(PROJECT, pathsOf('prod-eu-1')[1])).toContain(
      'version: "1.23.0"',
    );
    await expect(flow().close(PROJECT, iid)).rejects.toMatchObject({
      name: 'ConflictError',
      message: `Merge request !${iid} of ${PROJECT} is merged and cannot be closed`,
    });
  });

  it('closes once, is fine being asked again, and will not merge a closed request', async () => {
    const { iid } = await flow().openVersionChange(upgrade('prod-eu-1'));
    expect(await flow().close(PROJECT, iid)).toMatchObject({
      state: 'closed',
    });
    expect(await writesDuring(() => flow().close(PROJECT, iid))).toEqual([]);
    await expect(flow().merge(PROJECT, iid)).rejects.toMatchObject({
      name: 'ConflictError',
      message: `Merge request !${iid} of ${PROJECT} is closed and cannot be merged`,
    });
    expect(sandbox.readFile(PROJECT, pathsOf('prod-eu-1')[0])).toContain(
      'version: "1.22.3"',
    );
  });

  it('gives back the merged request when asked again after the merge, even with its branch gone', async () => {
    const change = upgrade('prod-eu-1');
    const { iid } = await flow().openVersionChange(change);
    await flow().merge(PROJECT, iid);
    await api.Branches.remove(PROJECT, change.branch);

    let again: unknown;
    expect(
      await writesDuring(async () => {
        again = await flow().openVersionChange(change);
      }),
    ).toEqual([]);
    expect(again).toMatchObject({ iid, state: 'merged' });
    expect(await branchNames()).toEqual(['main']);
  });

  it('refuses, creating nothing, when the base already has the version', async () => {
    const change = upgrade('prod-eu-1', BATCH, PREVIOUS);
    expect(
      await writesDuring(() =>
        expect(flow().openVersionChange(change)).rejects.toMatchObject({
          name: 'ConflictError',
          message: `${change.paths.join(
            ', ',
          )} of ${PROJECT} already have chart version 1.22.3 on main; there is nothing to merge`,
        }),
      ),
    ).toEqual([]);
  });

  it('opens a rollback to the previous version after an upgrade was merged', async () => {
    const { iid } = await flow().openVersionChange(upgrade('prod-eu-1'));
    await flow().merge(PROJECT, iid);

    const rollback = await flow().openVersionChange({
      ...upgrade('prod-eu-1'),
      kind: 'rollback',
      branch: rollbackBranch(PREVIOUS, BATCH),
      title: rollbackTitle(PREVIOUS, BATCH),
      version: PREVIOUS,
      commitMessage: `Roll Istio back to ${PREVIOUS}`,
    });
    expect(rollback).toMatchObject({
      kind: 'rollback',
      branch: 'rollback/istio-1.22.3-prod-wave-1',
      title: 'Rollback Istio to v1.22.3 for prod-wave-1',
      state: 'opened',
      diff: { files: 3, additions: 3, deletions: 3 },
    });
    const [diff] = await api.MergeRequests.allDiffs(PROJECT, rollback.iid);
    expect(diff.diff).toContain('-      version: "1.23.0"');
    expect(diff.diff).toContain('+      version: "1.22.3"');
  });

  it('makes a branch merged by an earlier wave again from the base, so the new merge request has changes', async () => {
    const rollbackTo = (version: string): VersionChange => ({
      ...upgrade('prod-eu-1'),
      kind: 'rollback',
      branch: rollbackBranch(version, BATCH),
      title: rollbackTitle(version, BATCH),
      version,
      commitMessage: `Roll Istio back to ${version}`,
    });
    // upgrade, roll back, upgrade again to another version, then roll back once more: the rollback branch
    // name repeats, and the first one was merged long ago
    await flow().merge(
      PROJECT,
      (
        await flow().openVersionChange(upgrade('prod-eu-1'))
      ).iid,
    );
    await flow().merge(
      PROJECT,
      (
        await flow().openVersionChange(rollbackTo(PREVIOUS))
      ).iid,
    );
    await flow().merge(
      PROJECT,
      (
        await flow().openVersionChange(upgrade('prod-eu-1', BATCH, '1.24.0'))
      ).iid,
    );
    const writes = await writesDuring(() =>
      flow().openVersionChange(rollbackTo(PREVIOUS)),
    );
    expect(writes).toEqual([
      `DELETE repository/branches/${rollbackBranch(PREVIOUS, BATCH)}`,
      'POST repository/branches',
      'POST repository/commits',
      'POST merge_requests',
    ]);
    const open = await api.MergeRequests.all({
      projectId: PROJECT,
      state: 'opened',
    });
    expect(open).toHaveLength(1);
    const [diff] = await api.MergeRequests.allDiffs(PROJECT, open[0].iid);
    expect(diff.diff).toContain('-      version: "1.24.0"');
    expect(diff.diff).toContain('+      version: "1.22.3"');
  });

  it('names a file the branch does not have', async () => {
    const change = {
      ...upgrade('prod-eu-1'),
      paths: [...pathsOf('prod-eu-1'), 'clusters/prod-eu-1/istio/egress.yaml'],
    };
    await expect(flow().openVersionChange(change)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `GitLab project ${PROJECT} has no clusters/prod-eu-1/istio/egress.yaml on main`,
    });
    expect(await branchNames()).toEqual(['main']);
  });

  it('names the file and the reason when a file is not a HelmRelease', async () => {
    await expect(
      flow().openVersionChange({
        ...upgrade('prod-eu-1'),
        paths: [KUSTOMIZATION],
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `${PROJECT}:${KUSTOMIZATION}: not a Flux HelmRelease (kind Kustomization of kustomize.config.k8s.io/v1beta1); expected kind HelmRelease of helm.toolkit.fluxcd.io/v2, helm.toolkit.fluxcd.io/v2beta2, helm.toolkit.fluxcd.io/v2beta1`,
    });
    expect(await branchNames()).toEqual(['main']);
  });

  it('refuses bad input, naming the field, before asking GitLab anything', async () => {
    const cases: Array<[Partial<VersionChange>, string]> = [
      [{ paths: [] }, 'paths must be a non-empty list of file paths'],
      [{ paths: ['a.yaml', 'a.yaml'] }, 'paths must not name a file twice'],
      [{ branch: ' ' }, 'branch must be a non-empty string'],
      [{ project: '' }, 'project must be a non-empty string'],
      [{ version: '1.23.0; rm -rf' }, 'version must be a chart version'],
      [{ baseBranch: '' }, 'baseBranch must be a non-empty string when given'],
      [
        { kind: 'sideways' as VersionChange['kind'] },
        'kind must be upgrade or rollback',
      ],
    ];
    for (const [override, message] of cases) {
      const opening = flow().openVersionChange({
        ...upgrade('prod-eu-1'),
        ...override,
      });
      await expect(opening).rejects.toThrow(InputError);
      await expect(opening).rejects.toThrow(message);
    }
    expect(sandbox.requestLog()).toEqual([]);
  });

  it('completes a sequence of waves while 30% of requests are throttled and some fail with 502', async () => {
    sandbox.injectFaults({
      status: 429,
      rate: 0.3,
      seed: 5,
      retryAfterSeconds: 1,
    });
    sandbox.injectFaults({ status: 502, rate: 0.1, seed: 6 });
    const flaky = flow(10);
    const opened = [];
    for (const [index, cluster] of CLUSTERS.entries()) {
      const mr = await flaky.openVersionChange(
        upgrade(cluster, `prod-wave-${index + 1}`),
      );
      // a step repeated while GitLab is flaky still makes nothing twice
      expect(
        await flaky.openVersionChange(
          upgrade(cluster, `prod-wave-${index + 1}`),
        ),
      ).toEqual(mr);
      opened.push(mr);
      expect((await flaky.merge(PROJECT, mr.iid)).state).toBe('merged');
    }

    const log = sandbox.requestLog();
    expect(log.filter(entry => entry.status === 429).length).toBeGreaterThan(5);
    expect(log.some(entry => entry.status === 502)).toBe(true);
    // one backoff per failed request, and the limiter waited out GitLab's Retry-After (1 s) after each throttle
    const failed = log.filter(entry => entry.status >= 429);
    expect(waits).toHaveLength(failed.length);
    expect(holdOffs.filter(ms => ms >= 1_000).length).toBeGreaterThanOrEqual(
      failed.filter(entry => entry.status === 429).length,
    );

    sandbox.clearFaults();
    expect(opened.map(mr => mr.iid)).toEqual([1, 2, 3]);
    expect(sandbox.listMergeRequests(PROJECT)).toHaveLength(3);
    for (const mr of opened) {
      expect(await commitsOf(mr.iid)).toHaveLength(1);
      expect(mr.diff).toEqual({ files: 3, additions: 3, deletions: 3 });
    }
    for (const cluster of CLUSTERS) {
      for (const path of pathsOf(cluster)) {
        expect(sandbox.readFile(PROJECT, path)).toBe(
          istioReleaseFiles(cluster, TARGET)[path],
        );
      }
    }
  });
});
