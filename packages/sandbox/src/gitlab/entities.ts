/*
 * The JSON shapes of GitLab's API entities (snake_case, numeric ids, ISO timestamps), kept to
 * the fields clients of a merge-request flow and of Backstage's GitLab publisher read, plus the
 * always-present ones with their neutral values so that clients see complete objects.
 */
import { createHash } from 'node:crypto';
import { lineStats, unifiedDiff } from './diff';
import type { MergeRequest } from './MergeRequestTracker';
import type { ProtectedBranch } from './BranchProtection';
import type {
  Namespace,
  Project,
  ProjectMember,
  ProjectVariable,
} from './ProjectDirectory';
import { Commit, FileChange, TreeEntry } from './Repository';
import type { SandboxUser } from './users';

export function userBasicEntity(user: SandboxUser) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: user.webUrl,
  };
}

export function currentUserEntity(user: SandboxUser) {
  return {
    ...userBasicEntity(user),
    created_at: user.createdAt,
    bio: '',
    public_email: null,
    email: user.email,
    bot: true,
    is_admin: false,
    can_create_group: false,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
  };
}

/** GitLab's Namespace entity; a group's web_url is under /groups. */
export function namespaceEntity(namespace: Namespace) {
  return {
    id: namespace.id,
    name: namespace.name,
    path: namespace.path,
    kind: namespace.kind,
    full_path: namespace.fullPath,
    parent_id: namespace.parentId,
    avatar_url: null,
    web_url: namespace.webUrl,
  };
}

export function groupEntity(group: Namespace) {
  return {
    id: group.id,
    web_url: group.webUrl,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    share_with_group_lock: false,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: 'developer',
    auto_devops_enabled: null,
    subgroup_creation_level: 'maintainer',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    default_branch: null,
    default_branch_protection: 2,
    avatar_url: null,
    request_access_enabled: true,
    full_name: group.fullName,
    full_path: group.fullPath,
    created_at: group.createdAt,
    parent_id: group.parentId,
  };
}

export function projectEntity(project: Project, baseUrl: string) {
  const { namespace, repository } = project;
  const host = new URL(baseUrl).host;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespace.fullName} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    created_at: project.createdAt,
    default_branch: repository.defaultBranch,
    tag_list: [...project.topics],
    topics: [...project.topics],
    ssh_url_to_repo: `git@${host}:${project.pathWithNamespace}.git`,
    http_url_to_repo: `${project.webUrl}.git`,
    web_url: project.webUrl,
    readme_url: repository.readFile(repository.defaultBranch, 'README.md')
      ? `${project.webUrl}/-/blob/${repository.defaultBranch}/README.md`
      : null,
    avatar_url: null,
    forks_count: 0,
    star_count: 0,
    last_activity_at: project.createdAt,
    namespace: namespaceEntity(namespace),
    visibility: project.visibility,
    creator_id: project.creatorId,
    archived: false,
    empty_repo: repository.isEmpty(),
    merge_method: 'merge',
    merge_requests_enabled: true,
    issues_enabled: true,
    only_allow_merge_if_pipeline_succeeds: false,
    remove_source_branch_after_merge: false,
    approvals_before_merge: project.mergeRequests.approvalsRequired,
  };
}

export function memberEntity(member: ProjectMember) {
  return {
    ...userBasicEntity(member.user),
    access_level: member.accessLevel,
    created_at: member.createdAt,
    expires_at: member.expiresAt,
    created_by: null,
    group_saml_identity: null,
  };
}

function accessLevelEntity(level: number) {
  const description: Record<number, string> = {
    0: 'No one',
    30: 'Developers + Maintainers',
    40: 'Maintainers',
    60: 'Admins',
  };
  return {
    id: level,
    access_level: level,
    access_level_description: description[level] ?? 'Maintainers',
    user_id: null,
    group_id: null,
  };
}

export function protectedBranchEntity(rule: ProtectedBranch) {
  return {
    id: rule.id,
    name: rule.name,
    push_access_levels: [accessLevelEntity(rule.pushAccessLevel)],
    merge_access_levels: [accessLevelEntity(rule.mergeAccessLevel)],
    unprotect_access_levels: [accessLevelEntity(rule.unprotectAccessLevel)],
    allow_force_push: rule.allowForcePush,
    code_owner_approval_required: rule.codeOwnerApprovalRequired,
  };
}

export function variableEntity(variable: ProjectVariable) {
  return {
    variable_type: variable.variableType,
    key: variable.key,
    // GitLab never sends back the value of a hidden variable
    value: variable.hidden ? null : variable.value,
    hidden: variable.hidden,
    protected: variable.protected,
    masked: variable.masked,
    raw: variable.raw,
    environment_scope: variable.environmentScope,
    description: variable.description,
  };
}

export function commitEntity(commit: Commit, project: Project) {
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    created_at: commit.createdAt,
    parent_ids: commit.parentIds,
    title: commit.title,
    message: commit.message,
    author_name: commit.author.name,
    author_email: commit.author.email,
    authored_date: commit.createdAt,
    committer_name: commit.author.name,
    committer_email: commit.author.email,
    committed_date: commit.createdAt,
    trailers: {},
    extended_trailers: {},
    web_url: `${project.webUrl}/-/commit/${commit.id}`,
  };
}

/** The answer to a commit creation: the commit with its line stats. */
export function createdCommitEntity(
  commit: Commit,
  parent: Commit | undefined,
  project: Project,
) {
  let additions = 0;
  let deletions = 0;
  for (const path of new Set([
    ...(parent?.files.keys() ?? []),
    ...commit.files.keys(),
  ])) {
    const stats = lineStats(parent?.files.get(path), commit.files.get(path));
    additions += stats.additions;
    deletions += stats.deletions;
  }
  return {
    ...commitEntity(commit, project),
    stats: { additions, deletions, total: additions + deletions },
    status: null,
    project_id: project.id,
    last_pipeline: null,
  };
}

export function branchEntity(name: string, project: Project) {
  const { repository } = project;
  const head = repository.branchHead(name)!;
  const isDefault = name === repository.defaultBranch;
  const defaultHead = repository.branchHead(repository.defaultBranch);
  const merged =
    !isDefault &&
    defaultHead !== undefined &&
    repository.mergeBase(head, defaultHead)?.id === head.id;
  const rules = project.protectedBranches.covering(name);
  const developersCan = (level: (rule: ProtectedBranch) => number) =>
    rules.every(rule => level(rule) <= 30);
  return {
    name,
    commit: commitEntity(head, project),
    merged,
    protected: rules.length > 0,
    default: isDefault,
    developers_can_push: developersCan(rule => rule.pushAccessLevel),
    developers_can_merge: developersCan(rule => rule.mergeAccessLevel),
    can_push: true,
    web_url: `${project.webUrl}/-/tree/${name}`,
  };
}

export function fileEntity(
  project: Project,
  filePath: string,
  ref: string,
  content: string,
  commit: Commit,
) {
  const lastCommit = project.repository.lastCommitTouching(ref, filePath);
  const bytes = Buffer.from(content, 'utf8');
  return {
    file_name: filePath.split('/').pop(),
    file_path: filePath,
    size: bytes.length,
    encoding: 'base64',
    content: bytes.toString('base64'),
    content_sha256: createHash('sha256').update(bytes).digest('hex'),
    ref,
    blob_id: project.repository.blobIdOf(content),
    commit_id: commit.id,
    last_commit_id: lastCommit?.id ?? commit.id,
    execute_filemode: false,
  };
}

export function treeEntryEntity(entry: TreeEntry) {
  return { ...entry };
}

export function diffEntity(change: FileChange) {
  const newFile = change.oldContent === undefined;
  const deletedFile = change.newContent === undefined;
  return {
    old_path: change.path,
    new_path: change.path,
    a_mode: newFile ? '0' : '100644',
    b_mode: deletedFile ? '0' : '100644',
    new_file: newFile,
    renamed_file: false,
    deleted_file: deletedFile,
    generated_file: false,
    diff: unifiedDiff(change.oldContent, change.newContent),
  };
}

/** The fields every merge request entity starts with, approvals included. */
function mergeRequestHeader(mergeRequest: MergeRequest, project: Project) {
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: project.id,
    title: mergeRequest.title,
    description: mergeRequest.description,
    state: mergeRequest.state,
    created_at: mergeRequest.createdAt,
    updated_at: mergeRequest.updatedAt,
  };
}

/** GitLab's MergeRequestBasic, used in lists. */
export function mergeRequestBasicEntity(
  mergeRequest: MergeRequest,
  project: Project,
) {
  const status = project.mergeRequests.status(mergeRequest);
  const mergedBy = mergeRequest.mergedBy
    ? userBasicEntity(mergeRequest.mergedBy)
    : null;
  return {
    ...mergeRequestHeader(mergeRequest, project),
    merged_by: mergedBy,
    merge_user: mergedBy,
    merged_at: mergeRequest.mergedAt,
    closed_by: mergeRequest.closedBy
      ? userBasicEntity(mergeRequest.closedBy)
      : null,
    closed_at: mergeRequest.closedAt,
    target_branch: mergeRequest.targetBranch,
    source_branch: mergeRequest.sourceBranch,
    user_notes_count: 0,
    upvotes: 0,
    downvotes: 0,
    author: userBasicEntity(mergeRequest.author),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: project.id,
    target_project_id: project.id,
    labels: [],
    draft: status.draft,
    work_in_progress: status.draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: status.mergeStatus,
    detailed_merge_status: status.detailedMergeStatus,
    sha: mergeRequest.diffRefs.headSha,
    merge_commit_sha: mergeRequest.mergeCommitSha,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: mergeRequest.removeSourceBranch,
    prepared_at: mergeRequest.createdAt,
    reference: `!${mergeRequest.iid}`,
    references: {
      short: `!${mergeRequest.iid}`,
      relative: `!${mergeRequest.iid}`,
      full: `${project.pathWithNamespace}!${mergeRequest.iid}`,
    },
    web_url: `${project.webUrl}/-/merge_requests/${mergeRequest.iid}`,
    time_stats: {
      time_estimate: 0,
      total_time_spent: 0,
      human_time_estimate: null,
      human_total_time_spent: null,
    },
    squash: false,
    squash_on_merge: false,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: status.hasConflicts,
    blocking_discussions_resolved: true,
  };
}

/** GitLab's MergeRequest entity, for a single merge request. */
export function mergeRequestEntity(
  mergeRequest: MergeRequest,
  project: Project,
) {
  const { baseSha, headSha, startSha } = mergeRequest.diffRefs;
  const changesCount = project.mergeRequests.changes(mergeRequest).length;
  return {
    ...mergeRequestBasicEntity(mergeRequest, project),
    subscribed: true,
    // GitLab sends the count as a string ("1000+" past its limit)
    changes_count: String(changesCount),
    latest_build_started_at: null,
    latest_build_finished_at: null,
    first_deployed_to_production_at: null,
    pipeline: null,
    head_pipeline: null,
    diff_refs: { base_sha: baseSha, head_sha: headSha, start_sha: startSha },
    merge_error: null,
    first_contribution: false,
    user: { can_merge: true },
  };
}

export function approvalsEntity(
  mergeRequest: MergeRequest,
  project: Project,
  user: SandboxUser,
) {
  const { approvedBy } = mergeRequest;
  const approvalsLeft = project.mergeRequests.approvalsLeft(mergeRequest);
  const status = project.mergeRequests.status(mergeRequest);
  const userHasApproved = approvedBy.some(a => a.id === user.id);
  return {
    ...mergeRequestHeader(mergeRequest, project),
    merge_status: status.mergeStatus,
    approved: approvalsLeft === 0,
    approvals_required: project.mergeRequests.approvalsRequired,
    approvals_left: approvalsLeft,
    require_password_to_approve: false,
    approved_by: approvedBy.map(approver => ({
      user: userBasicEntity(approver),
    })),
    suggested_approvers: [],
    approvers: [],
    approver_groups: [],
    user_has_approved: userHasApproved,
    user_can_approve: !userHasApproved && mergeRequest.state === 'opened',
    approval_rules_left: [],
    has_approval_rules: false,
    merge_request_approvers_available: false,
    multiple_approval_rules_available: false,
    invalid_approvers_rules: [],
  };
}
