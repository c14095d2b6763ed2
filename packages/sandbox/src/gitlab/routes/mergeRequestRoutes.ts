import {
  approvalsEntity,
  commitEntity,
  diffEntity,
  mergeRequestBasicEntity,
  mergeRequestEntity,
} from '../entities';
import { ApiError, ApiRequest, Params } from '../http';
import {
  MergeRequest,
  MergeRequestRejected,
  RejectionReason,
} from '../MergeRequestTracker';
import { paginate } from '../pagination';
import {
  booleanParam,
  enumParam,
  integerParam,
  integerPathParam,
  nonBlankString,
  requiredString,
  requireParams,
  stringParam,
} from '../params';
import type { Project } from '../ProjectDirectory';
import type { RouteTable } from '../RouteTable';
import { findProject, RouteContext } from './context';

const MR = 'projects/:id/merge_requests/:merge_request_iid';

// PUT on a merge request needs at least one of these, as GitLab's does
const UPDATABLE = [
  'assignee_id',
  'assignee_ids',
  'reviewer_ids',
  'description',
  'labels',
  'add_labels',
  'remove_labels',
  'milestone_id',
  'remove_source_branch',
  'state_event',
  'target_branch',
  'title',
  'discussion_locked',
  'squash',
];

const STATUS_OF: Record<RejectionReason, number> = {
  branches: 409,
  'missing-branch': 422,
  'not-allowed': 405,
  unauthorized: 401,
  conflict: 406,
  'sha-mismatch': 409,
};

export function addMergeRequestRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  const findMergeRequest = (request: ApiRequest) => {
    const project = findProject(context, request);
    const iid = integerPathParam(
      request.pathParams.merge_request_iid,
      'merge_request_iid',
    );
    const mergeRequest = project.mergeRequests.get(iid);
    // GitLab answers a missing record this way, not with "Merge Request Not Found"
    if (!mergeRequest) throw ApiError.message(404, '404 Not found');
    return { project, mergeRequest };
  };

  routes
    .get('merge_requests', request => {
      const listed = context.projects
        .all()
        .flatMap(project => filterMergeRequests(project, request.params));
      return paginate(request.url, request.params, listed);
    })

    .get('projects/:id/merge_requests', request => {
      const project = findProject(context, request);
      return paginate(
        request.url,
        request.params,
        filterMergeRequests(project, request.params),
      );
    })

    .post('projects/:id/merge_requests', request => {
      const project = findProject(context, request);
      const { params } = request;
      requireParams(params, ['title', 'source_branch', 'target_branch']);
      const mergeRequest = rejectionsAsErrors(() =>
        project.mergeRequests.open({
          title: nonBlankString(params, 'title'),
          description: stringParam(params, 'description'),
          sourceBranch: requiredString(params, 'source_branch'),
          targetBranch: requiredString(params, 'target_branch'),
          removeSourceBranch: booleanParam(params, 'remove_source_branch'),
          author: request.user,
        }),
      );
      return { status: 201, body: mergeRequestEntity(mergeRequest, project) };
    })

    .get(MR, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      return { status: 200, body: mergeRequestEntity(mergeRequest, project) };
    })

    .put(MR, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      const { params } = request;
      if (!UPDATABLE.some(name => params[name] !== undefined)) {
        throw ApiError.error(
          400,
          `${UPDATABLE.join(
            ', ',
          )} are missing, at least one parameter must be provided`,
        );
      }
      rejectionsAsErrors(() =>
        project.mergeRequests.update(
          mergeRequest,
          {
            title:
              params.title === undefined
                ? undefined
                : nonBlankString(params, 'title'),
            description: stringParam(params, 'description'),
            targetBranch:
              params.target_branch === undefined
                ? undefined
                : nonBlankString(params, 'target_branch'),
            removeSourceBranch: booleanParam(params, 'remove_source_branch'),
            stateEvent: enumParam(params, 'state_event', [
              'close',
              'reopen',
            ] as const),
          },
          request.user,
        ),
      );
      return { status: 200, body: mergeRequestEntity(mergeRequest, project) };
    })

    .get(`${MR}/changes`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      return {
        status: 200,
        body: {
          ...mergeRequestEntity(mergeRequest, project),
          changes: project.mergeRequests.changes(mergeRequest).map(diffEntity),
          overflow: false,
        },
      };
    })

    .get(`${MR}/diffs`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      const diffs = project.mergeRequests.changes(mergeRequest).map(diffEntity);
      return paginate(request.url, request.params, diffs);
    })

    .get(`${MR}/commits`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      const commits = project.mergeRequests
        .commits(mergeRequest)
        .map(commit => commitEntity(commit, project));
      return paginate(request.url, request.params, commits);
    })

    .get(`${MR}/approvals`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      return {
        status: 200,
        body: approvalsEntity(mergeRequest, project, request.user),
      };
    })

    .post(`${MR}/approve`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      rejectionsAsErrors(() =>
        project.mergeRequests.approve(
          mergeRequest,
          request.user,
          stringParam(request.params, 'sha'),
        ),
      );
      return {
        status: 201,
        body: approvalsEntity(mergeRequest, project, request.user),
      };
    })

    .post(`${MR}/unapprove`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      if (!project.mergeRequests.unapprove(mergeRequest, request.user)) {
        throw ApiError.message(404, '404 Not found');
      }
      return {
        status: 201,
        body: approvalsEntity(mergeRequest, project, request.user),
      };
    })

    .put(`${MR}/merge`, request => {
      const { project, mergeRequest } = findMergeRequest(request);
      const { params } = request;
      const merged = rejectionsAsErrors(() =>
        project.mergeRequests.merge(mergeRequest, request.user, {
          sha: stringParam(params, 'sha'),
          message: stringParam(params, 'merge_commit_message'),
          removeSourceBranch: booleanParam(
            params,
            'should_remove_source_branch',
          ),
        }),
      );
      context.announceMerge({
        ...merged,
        projectPath: project.pathWithNamespace,
      });
      return { status: 200, body: mergeRequestEntity(mergeRequest, project) };
    });
}

function rejectionsAsErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof MergeRequestRejected)) throw error;
    const status = STATUS_OF[error.reason];
    // validation failures of the merge request itself come as a list, as in GitLab
    const listed =
      error.reason === 'branches' || error.reason === 'missing-branch';
    throw ApiError.message(status, listed ? [error.message] : error.message);
  }
}

/** The list filters of GitLab's merge request API, newest first unless asked otherwise. */
function filterMergeRequests(project: Project, params: Params) {
  const state = enumParam(params, 'state', [
    'opened',
    'closed',
    'locked',
    'merged',
    'all',
  ] as const);
  const sourceBranch = stringParam(params, 'source_branch');
  const targetBranch = stringParam(params, 'target_branch');
  const search = stringParam(params, 'search')?.toLowerCase();
  const searchIn = (stringParam(params, 'in') ?? 'title,description').split(
    ',',
  );
  const authorId = integerParam(params, 'author_id');
  const iids = Array.isArray(params.iids) ? params.iids.map(Number) : undefined;
  const orderBy = enumParam(params, 'order_by', [
    'created_at',
    'updated_at',
  ] as const);
  const sort = enumParam(params, 'sort', ['asc', 'desc'] as const) ?? 'desc';

  const matchesSearch = (mr: MergeRequest) =>
    !search ||
    (searchIn.includes('title') && mr.title.toLowerCase().includes(search)) ||
    (searchIn.includes('description') &&
      mr.description.toLowerCase().includes(search));

  const key = (mr: MergeRequest) =>
    orderBy === 'updated_at' ? mr.updatedAt : mr.createdAt;
  return (
    project.mergeRequests
      .all()
      .filter(
        mr =>
          (!state || state === 'all' || mr.state === state) &&
          (sourceBranch === undefined || mr.sourceBranch === sourceBranch) &&
          (targetBranch === undefined || mr.targetBranch === targetBranch) &&
          (authorId === undefined || mr.author.id === authorId) &&
          (!iids || iids.includes(mr.iid)) &&
          matchesSearch(mr),
      )
      // ids break ties between merge requests made in the same millisecond
      .sort(
        (a, b) =>
          (key(a).localeCompare(key(b)) || a.id - b.id) *
          (sort === 'asc' ? 1 : -1),
      )
      .map(mr => mergeRequestBasicEntity(mr, project))
  );
}
