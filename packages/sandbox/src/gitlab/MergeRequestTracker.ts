import { Commit, diffFiles, FileChange, Repository } from './Repository';
import type { SandboxUser } from './users';

export type MergeRequestState = 'opened' | 'closed' | 'merged';
export type MergeRequestEvent = 'close' | 'reopen' | 'merge';

/** The one transition table: the states each event may leave, and the state it leads to. */
const TRANSITIONS: Record<
  MergeRequestEvent,
  {
    readonly from: readonly MergeRequestState[];
    readonly to: MergeRequestState;
  }
> = {
  close: { from: ['opened'], to: 'closed' },
  reopen: { from: ['closed'], to: 'opened' },
  merge: { from: ['opened'], to: 'merged' },
};

/** GitLab's `detailed_merge_status` values that the sandbox can reach. */
export type DetailedMergeStatus =
  | 'mergeable'
  | 'not_open'
  | 'draft_status'
  | 'conflict'
  | 'not_approved';

export interface MergeStatus {
  readonly mergeStatus: 'can_be_merged' | 'cannot_be_merged';
  readonly detailedMergeStatus: DetailedMergeStatus;
  readonly hasConflicts: boolean;
  readonly draft: boolean;
}

export interface DiffRefs {
  readonly baseSha: string;
  readonly headSha: string;
  readonly startSha: string;
}

export interface MergeRequest {
  readonly id: number;
  readonly iid: number;
  readonly author: SandboxUser;
  readonly sourceBranch: string;
  readonly createdAt: string;
  title: string;
  description: string;
  targetBranch: string;
  state: MergeRequestState;
  updatedAt: string;
  mergedAt: string | null;
  mergedBy: SandboxUser | null;
  closedAt: string | null;
  closedBy: SandboxUser | null;
  mergeCommitSha: string | null;
  removeSourceBranch: boolean;
  approvedBy: SandboxUser[];
  /** The diff's ends; frozen when the merge request stops being open. */
  diffRefs: DiffRefs;
}

export type RejectionReason =
  /** a rule about the branches (duplicate, same branch): GitLab's 409 */
  | 'branches'
  /** a branch that does not exist: GitLab's 422 */
  | 'missing-branch'
  /** not in a state that allows it (closed, draft, unapproved): GitLab's 405 */
  | 'not-allowed'
  /** the user may not do this (approve twice, approve a merged one): GitLab's 401 */
  | 'unauthorized'
  /** conflicts with the target branch: GitLab's 406 */
  | 'conflict'
  /** the caller's sha is not the source branch head: GitLab's 409 */
  | 'sha-mismatch';

export class MergeRequestRejected extends Error {
  constructor(readonly reason: RejectionReason, message: string) {
    super(message);
  }
}

export interface MergeEvent {
  readonly iid: number;
  readonly targetBranch: string;
  readonly changedFiles: string[];
}

// GitLab's draft markers at the start of a title
const DRAFT_TITLE = /^\s*(\[draft\]|\(draft\)|draft:)/i;

/** The merge requests of one project, numbered by `iid` within it. */
export class MergeRequestTracker {
  readonly #mergeRequests: MergeRequest[] = [];

  constructor(
    private readonly repository: Repository,
    private readonly options: {
      readonly approvalsRequired: number;
      /** global ids are unique across projects, `iid`s only within one */
      readonly nextGlobalId: () => number;
      readonly reference: (iid: number) => string;
    },
  ) {}

  get approvalsRequired(): number {
    return this.options.approvalsRequired;
  }

  open(request: {
    title: string;
    description?: string;
    sourceBranch: string;
    targetBranch: string;
    author: SandboxUser;
    removeSourceBranch?: boolean;
  }): MergeRequest {
    const { sourceBranch, targetBranch } = request;
    this.#checkBranches(sourceBranch, targetBranch);
    const now = new Date().toISOString();
    const mergeRequest: MergeRequest = {
      id: this.options.nextGlobalId(),
      iid: this.#mergeRequests.length + 1,
      author: request.author,
      sourceBranch,
      createdAt: now,
      title: request.title,
      description: request.description ?? '',
      targetBranch,
      state: 'opened',
      updatedAt: now,
      mergedAt: null,
      mergedBy: null,
      closedAt: null,
      closedBy: null,
      mergeCommitSha: null,
      removeSourceBranch: request.removeSourceBranch ?? false,
      approvedBy: [],
      diffRefs: this.#currentDiffRefs(sourceBranch, targetBranch)!,
    };
    this.#checkDuplicate(mergeRequest);
    this.#mergeRequests.push(mergeRequest);
    return mergeRequest;
  }

  get(iid: number): MergeRequest | undefined {
    const mergeRequest = this.#mergeRequests.find(mr => mr.iid === iid);
    if (mergeRequest) this.#refresh(mergeRequest);
    return mergeRequest;
  }

  all(): MergeRequest[] {
    this.#mergeRequests.forEach(mr => this.#refresh(mr));
    return [...this.#mergeRequests];
  }

  update(
    mergeRequest: MergeRequest,
    changes: {
      title?: string;
      description?: string;
      targetBranch?: string;
      removeSourceBranch?: boolean;
      stateEvent?: 'close' | 'reopen';
    },
    user: SandboxUser,
  ): void {
    if (
      changes.targetBranch !== undefined &&
      changes.targetBranch !== mergeRequest.targetBranch
    ) {
      this.#checkBranches(mergeRequest.sourceBranch, changes.targetBranch);
      this.#checkDuplicate({
        ...mergeRequest,
        targetBranch: changes.targetBranch,
      });
    }
    if (changes.stateEvent === 'reopen') this.#checkDuplicate(mergeRequest);

    const now = new Date().toISOString();
    if (changes.title !== undefined) mergeRequest.title = changes.title;
    if (changes.description !== undefined)
      mergeRequest.description = changes.description;
    if (changes.targetBranch !== undefined)
      mergeRequest.targetBranch = changes.targetBranch;
    if (changes.removeSourceBranch !== undefined) {
      mergeRequest.removeSourceBranch = changes.removeSourceBranch;
    }
    // GitLab ignores a state event that does not apply (closing a closed one)
    if (
      changes.stateEvent &&
      this.#canTransition(mergeRequest, changes.stateEvent)
    ) {
      this.#refresh(mergeRequest);
      mergeRequest.state = TRANSITIONS[changes.stateEvent].to;
      mergeRequest.closedAt = changes.stateEvent === 'close' ? now : null;
      mergeRequest.closedBy = changes.stateEvent === 'close' ? user : null;
    }
    mergeRequest.updatedAt = now;
    this.#refresh(mergeRequest);
  }

  status(mergeRequest: MergeRequest): MergeStatus {
    const draft = DRAFT_TITLE.test(mergeRequest.title);
    const hasConflicts =
      mergeRequest.state === 'opened' &&
      this.#conflicts(mergeRequest).length > 0;
    let detailedMergeStatus: DetailedMergeStatus = 'mergeable';
    if (mergeRequest.state !== 'opened') detailedMergeStatus = 'not_open';
    else if (draft) detailedMergeStatus = 'draft_status';
    else if (hasConflicts) detailedMergeStatus = 'conflict';
    else if (this.approvalsLeft(mergeRequest) > 0)
      detailedMergeStatus = 'not_approved';
    return {
      mergeStatus: hasConflicts ? 'cannot_be_merged' : 'can_be_merged',
      detailedMergeStatus,
      hasConflicts,
      draft,
    };
  }

  approvalsLeft(mergeRequest: MergeRequest): number {
    return Math.max(
      0,
      this.options.approvalsRequired - mergeRequest.approvedBy.length,
    );
  }

  approve(mergeRequest: MergeRequest, user: SandboxUser, sha?: string): void {
    if (
      mergeRequest.state !== 'opened' ||
      mergeRequest.approvedBy.some(approver => approver.id === user.id)
    ) {
      throw new MergeRequestRejected('unauthorized', '401 Unauthorized');
    }
    this.#checkSha(mergeRequest, sha);
    mergeRequest.approvedBy.push(user);
    mergeRequest.updatedAt = new Date().toISOString();
  }

  unapprove(mergeRequest: MergeRequest, user: SandboxUser): boolean {
    const before = mergeRequest.approvedBy.length;
    mergeRequest.approvedBy = mergeRequest.approvedBy.filter(
      a => a.id !== user.id,
    );
    return mergeRequest.approvedBy.length < before;
  }

  /** Merges with a merge commit; the checks follow GitLab's order: 405, then 406, then 409. */
  merge(
    mergeRequest: MergeRequest,
    user: SandboxUser,
    options: { sha?: string; message?: string; removeSourceBranch?: boolean },
  ): MergeEvent {
    this.#refresh(mergeRequest);
    const { detailedMergeStatus } = this.status(mergeRequest);
    if (
      !this.#canTransition(mergeRequest, 'merge') ||
      !this.#branchesExist(mergeRequest) ||
      detailedMergeStatus === 'draft_status' ||
      detailedMergeStatus === 'not_approved'
    ) {
      throw new MergeRequestRejected('not-allowed', '405 Method Not Allowed');
    }
    if (detailedMergeStatus === 'conflict') {
      throw new MergeRequestRejected('conflict', 'Branch cannot be merged');
    }
    this.#checkSha(mergeRequest, options.sha);

    const { sourceBranch, targetBranch } = mergeRequest;
    const { commit, changedFiles } = this.repository.mergeBranches({
      source: sourceBranch,
      target: targetBranch,
      message:
        options.message ??
        [
          `Merge branch '${sourceBranch}' into '${targetBranch}'`,
          mergeRequest.title,
          `See merge request ${this.options.reference(mergeRequest.iid)}`,
        ].join('\n\n'),
      author: { name: user.name, email: user.email },
    });
    const now = new Date().toISOString();
    mergeRequest.state = TRANSITIONS.merge.to;
    mergeRequest.mergedAt = now;
    mergeRequest.mergedBy = user;
    mergeRequest.updatedAt = now;
    mergeRequest.mergeCommitSha = commit.id;
    if (options.removeSourceBranch ?? mergeRequest.removeSourceBranch) {
      this.repository.deleteBranch(sourceBranch);
    }
    return { iid: mergeRequest.iid, targetBranch, changedFiles };
  }

  /** The files the merge request changes: its source head against the merge base. */
  changes(mergeRequest: MergeRequest): FileChange[] {
    this.#refresh(mergeRequest);
    const { baseSha, headSha } = mergeRequest.diffRefs;
    return diffFiles(
      this.repository.commit(baseSha),
      this.repository.commit(headSha)!,
    );
  }

  commits(mergeRequest: MergeRequest): Commit[] {
    this.#refresh(mergeRequest);
    const { baseSha, headSha } = mergeRequest.diffRefs;
    return this.repository.commitsBetween(
      this.repository.commit(baseSha),
      this.repository.commit(headSha)!,
    );
  }

  #canTransition(
    mergeRequest: MergeRequest,
    event: MergeRequestEvent,
  ): boolean {
    return TRANSITIONS[event].from.includes(mergeRequest.state);
  }

  #branchesExist(mergeRequest: MergeRequest): boolean {
    return (
      this.repository.branchHead(mergeRequest.sourceBranch) !== undefined &&
      this.repository.branchHead(mergeRequest.targetBranch) !== undefined
    );
  }

  #conflicts(mergeRequest: MergeRequest): readonly string[] {
    const source = this.repository.branchHead(mergeRequest.sourceBranch);
    const target = this.repository.branchHead(mergeRequest.targetBranch);
    if (!source || !target) return [];
    return this.repository.threeWayMerge(source, target).conflicts;
  }

  #checkBranches(sourceBranch: string, targetBranch: string): void {
    if (sourceBranch === targetBranch) {
      throw new MergeRequestRejected(
        'branches',
        "You can't use same project/branch for source and target",
      );
    }
    for (const [side, branch] of [
      ['Source', sourceBranch],
      ['Target', targetBranch],
    ]) {
      if (!this.repository.branchHead(branch)) {
        throw new MergeRequestRejected(
          'missing-branch',
          `${side} branch "${branch}" does not exist`,
        );
      }
    }
  }

  // GitLab allows one open merge request per source and target branch pair
  #checkDuplicate(mergeRequest: MergeRequest): void {
    const other = this.#mergeRequests.find(
      mr =>
        mr.iid !== mergeRequest.iid &&
        mr.state === 'opened' &&
        mr.sourceBranch === mergeRequest.sourceBranch &&
        mr.targetBranch === mergeRequest.targetBranch,
    );
    if (other) {
      throw new MergeRequestRejected(
        'branches',
        `Another open merge request already exists for this source branch: !${other.iid}`,
      );
    }
  }

  #checkSha(mergeRequest: MergeRequest, sha: string | undefined): void {
    const head = mergeRequest.diffRefs.headSha;
    if (sha !== undefined && sha !== head) {
      throw new MergeRequestRejected(
        'sha-mismatch',
        `SHA does not match HEAD of source branch: ${head}`,
      );
    }
  }

  #refresh(mergeRequest: MergeRequest): void {
    if (mergeRequest.state !== 'opened') return;
    const current = this.#currentDiffRefs(
      mergeRequest.sourceBranch,
      mergeRequest.targetBranch,
    );
    if (current) mergeRequest.diffRefs = current;
  }

  #currentDiffRefs(
    sourceBranch: string,
    targetBranch: string,
  ): DiffRefs | undefined {
    const source = this.repository.branchHead(sourceBranch);
    const target = this.repository.branchHead(targetBranch);
    if (!source || !target) return undefined;
    return {
      baseSha: (this.repository.mergeBase(source, target) ?? target).id,
      headSha: source.id,
      startSha: target.id,
    };
  }
}
