import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { WaveMergeRequest } from '@fleetdeck/plugin-upgrade-waves-common';
import type { GitLabMergeRequests, MergeRequest } from '../gitlab';
import { gitlabText } from './gitlabText';
import { assertChartVersion, HelmReleaseEditor } from './HelmReleaseEditor';

/** The branch of an upgrade MR (GUARD's naming). */
export function upgradeBranch(version: string, batchId: string): string {
  return `feature/istio-${version}-${batchId}`;
}

/** The title of an upgrade MR (GUARD's naming), its parts escaped for GitLab. */
export function upgradeTitle(version: string, batchId: string): string {
  return `Istio upgrade to v${gitlabText(version)} for ${gitlabText(batchId)}`;
}

/** The branch of a rollback MR to `previous` (GUARD's naming). */
export function rollbackBranch(previous: string, batchId: string): string {
  return `rollback/istio-${previous}-${batchId}`;
}

/** The title of a rollback MR to `previous` (GUARD's naming), its parts escaped for GitLab. */
export function rollbackTitle(previous: string, batchId: string): string {
  return `Rollback Istio to v${gitlabText(previous)} for ${gitlabText(
    batchId,
  )}`;
}

/** One change of chart version in one GitOps project. */
export interface VersionChange {
  kind: 'upgrade' | 'rollback';
  /** GitLab project path, e.g. `platform/gitops-prod`. */
  project: string;
  /** The branch to merge into; the project's default branch when left out. */
  baseBranch?: string;
  branch: string;
  title: string;
  description: string;
  /** The HelmRelease files whose chart version changes. */
  paths: string[];
  version: string;
  commitMessage: string;
}

interface EditedFile {
  path: string;
  content: string;
  changed: boolean;
}

/**
 * The merge requests of a wave, made so that any step may be repeated: after a crash, or when
 * the orchestrator runs the same step again, an existing branch, commit or merge request is
 * found and reused, never made twice.
 */
export class MergeRequestFlow {
  readonly #gitlab: GitLabMergeRequests;
  readonly #editor: HelmReleaseEditor;
  readonly #logger: LoggerService;

  constructor(options: {
    gitlab: GitLabMergeRequests;
    logger: LoggerService;
    editor?: HelmReleaseEditor;
  }) {
    this.#gitlab = options.gitlab;
    this.#logger = options.logger;
    this.#editor = options.editor ?? new HelmReleaseEditor();
  }

  /**
   * Opens (or finds) the merge request that sets the chart version of `paths` to `version`:
   * the branch is created from the base when missing, the files are edited on the branch and
   * committed together only if something changed, and an open merge request from the branch is
   * reused. When the base already has the version, the merge request that brought it there is
   * returned if it came from this branch; otherwise there is nothing to merge (ConflictError).
   */
  async openVersionChange(change: VersionChange): Promise<WaveMergeRequest> {
    validate(change);
    const { project, branch } = change;
    const gitlab = this.#gitlab;
    const base = change.baseBranch ?? (await gitlab.getDefaultBranch(project));

    const branchExisted = await this.#keepBranch(project, branch, base);
    if (!branchExisted) {
      const onBase = await this.#edit(change, base);
      if (!onBase.some(file => file.changed)) {
        return this.#alreadyOnBase(change, base);
      }
      await gitlab.createBranch(project, branch, base);
      this.#logger.info(`Created branch ${branch} of ${project} from ${base}`);
    }

    const onBranch = await this.#edit(change, branch);
    const changed = onBranch.filter(file => file.changed);
    if (changed.length > 0) {
      await gitlab.commitFiles(
        project,
        branch,
        change.commitMessage,
        changed.map(({ path, content }) => ({ path, content })),
      );
      this.#logger.info(
        `Committed chart version ${change.version} of ${changed
          .map(file => file.path)
          .join(', ')} to ${branch} of ${project}`,
      );
    }

    const open = await gitlab.findOpenMergeRequest(project, branch);
    if (open) return this.#describe(change, open);

    if (changed.length === 0 && branchExisted) {
      // the branch held the change already: it may have been merged since
      const onBase = await this.#edit(change, base);
      if (!onBase.some(file => file.changed)) {
        return this.#alreadyOnBase(change, base);
      }
    }

    const created = await gitlab.createMergeRequest(project, {
      sourceBranch: branch,
      targetBranch: base,
      title: change.title,
      description: change.description,
    });
    this.#logger.info(
      `Opened merge request !${created.iid} of ${project}: ${created.title}`,
    );
    return this.#describe(change, created);
  }

  /**
   * Whether an existing branch of this name can carry the change. Branch names repeat across waves
   * (`feature/istio-1.23.0-test` again after a rollback): a branch merged earlier, whose head is behind
   * the base, would give a merge request without changes, so it is deleted and made again from the base.
   * A branch just created by this flow (head = base head) or carrying its commit (not merged) is kept.
   */
  async #keepBranch(
    project: string,
    branch: string,
    base: string,
  ): Promise<boolean> {
    const gitlab = this.#gitlab;
    const existing = await gitlab.branch(project, branch);
    if (!existing) return false;
    if (!existing.merged) return true;
    const baseHead = await gitlab.branch(project, base);
    if (baseHead && baseHead.head === existing.head) return true;
    await gitlab.deleteBranch(project, branch);
    this.#logger.info(
      `Deleted branch ${branch} of ${project}: merged earlier and behind ${base}`,
    );
    return false;
  }

  /** Merges; a merge request already merged is returned as it is, a closed one is a ConflictError. */
  async merge(project: string, iid: number): Promise<MergeRequest> {
    const mr = await this.#gitlab.getMergeRequest(project, iid);
    if (mr.state === 'merged') return mr;
    if (mr.state === 'closed') {
      throw new ConflictError(
        `Merge request !${iid} of ${project} is closed and cannot be merged`,
      );
    }
    try {
      const merged = await this.#gitlab.mergeMergeRequest(project, iid);
      this.#logger.info(`Merged merge request !${iid} of ${project}`);
      return merged;
    } catch (error) {
      // a merge GitLab did but answered badly (then refused on retry as "not open")
      const now = await this.#gitlab
        .getMergeRequest(project, iid)
        .catch(() => undefined);
      if (now?.state === 'merged') return now;
      throw error;
    }
  }

  /** Closes; a merge request already closed is returned as it is, a merged one is a ConflictError. */
  async close(project: string, iid: number): Promise<MergeRequest> {
    const mr = await this.#gitlab.getMergeRequest(project, iid);
    if (mr.state === 'closed') return mr;
    if (mr.state === 'merged') {
      throw new ConflictError(
        `Merge request !${iid} of ${project} is merged and cannot be closed`,
      );
    }
    const closed = await this.#gitlab.closeMergeRequest(project, iid);
    this.#logger.info(`Closed merge request !${iid} of ${project}`);
    return closed;
  }

  async #edit(change: VersionChange, ref: string): Promise<EditedFile[]> {
    const edited: EditedFile[] = [];
    for (const path of change.paths) {
      const text = await this.#gitlab.readFile(change.project, path, ref);
      if (text === undefined) {
        throw new NotFoundError(
          `GitLab project ${change.project} has no ${path} on ${ref}`,
        );
      }
      const result = this.#editor.setChartVersion(
        text,
        change.version,
        `${change.project}:${path}`,
      );
      edited.push({ path, content: result.text, changed: result.changed });
    }
    return edited;
  }

  async #alreadyOnBase(
    change: VersionChange,
    base: string,
  ): Promise<WaveMergeRequest> {
    const merged = await this.#gitlab.findMergedMergeRequest(
      change.project,
      change.branch,
    );
    if (merged) return this.#describe(change, merged);
    throw new ConflictError(
      `${change.paths.join(', ')} of ${
        change.project
      } already have chart version ${
        change.version
      } on ${base}; there is nothing to merge`,
    );
  }

  async #describe(
    change: VersionChange,
    mr: MergeRequest,
  ): Promise<WaveMergeRequest> {
    return {
      kind: change.kind,
      project: change.project,
      iid: mr.iid,
      webUrl: mr.webUrl,
      branch: mr.sourceBranch,
      title: mr.title,
      state: mr.state,
      diff: await this.#gitlab.diffSummary(change.project, mr.iid),
    };
  }
}

function validate(change: VersionChange): void {
  if (change.kind !== 'upgrade' && change.kind !== 'rollback') {
    throw new InputError(
      `kind must be upgrade or rollback, not ${String(change.kind)}`,
    );
  }
  for (const field of [
    'project',
    'branch',
    'title',
    'commitMessage',
  ] as const) {
    const value = change[field];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InputError(`${field} must be a non-empty string`);
    }
  }
  if (
    change.baseBranch !== undefined &&
    (typeof change.baseBranch !== 'string' || change.baseBranch.trim() === '')
  ) {
    throw new InputError('baseBranch must be a non-empty string when given');
  }
  assertChartVersion(change.version);
  if (typeof change.description !== 'string') {
    throw new InputError('description must be a string');
  }
  if (
    !Array.isArray(change.paths) ||
    change.paths.length === 0 ||
    change.paths.some(path => typeof path !== 'string' || path.trim() === '')
  ) {
    throw new InputError('paths must be a non-empty list of file paths');
  }
  if (new Set(change.paths).size !== change.paths.length) {
    throw new InputError('paths must not name a file twice');
  }
}
