import { commitEntity, createdCommitEntity } from '../entities';
import { ApiError, isRecord, Params } from '../http';
import { paginate } from '../pagination';
import {
  booleanParam,
  requiredString,
  requireParams,
  stringParam,
} from '../params';
import { CommitAction, diffFiles } from '../Repository';
import type { RouteTable } from '../RouteTable';
import {
  commitAuthor,
  decodeContent,
  findProject,
  refOrDefault,
  refusalsAs,
  RouteContext,
} from './context';

const ACTIONS = ['create', 'update', 'delete', 'move', 'chmod'] as const;

export function addCommitRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  routes
    .post('projects/:id/repository/commits', request => {
      const project = findProject(context, request);
      const { params } = request;
      requireParams(params, ['branch', 'commit_message', 'actions']);
      const branch = requiredString(params, 'branch');
      const startBranch = stringParam(params, 'start_branch');
      const actions = parseActions(params.actions);
      const { repository } = project;
      const commit = refusalsAs(400, () =>
        repository.commitActions({
          branch,
          startBranch,
          message: requiredString(params, 'commit_message'),
          author: commitAuthor(request),
          actions,
        }),
      );
      const parent = repository.commit(commit.parentIds[0]);
      return {
        status: 201,
        body: createdCommitEntity(commit, parent, project),
      };
    })

    .get('projects/:id/repository/commits', request => {
      const project = findProject(context, request);
      const ref = refOrDefault(request.params, 'ref_name', project);
      const head = project.repository.resolve(ref);
      if (!head) throw ApiError.notFound('Commit');
      const path = stringParam(request.params, 'path')?.replace(
        /^\/+|\/+$/g,
        '',
      );
      const history = project.repository
        .history(head)
        .filter(commit => {
          if (!path) return true;
          const parent = project.repository.commit(commit.parentIds[0] ?? '');
          // `path` names a file or a folder: a commit touches it when anything at or under it changed
          return diffFiles(parent, commit).some(
            change =>
              change.path === path || change.path.startsWith(`${path}/`),
          );
        })
        .map(commit => commitEntity(commit, project));
      return paginate(request.url, request.params, history);
    })

    .get('projects/:id/repository/commits/:sha', request => {
      const project = findProject(context, request);
      const commit = project.repository.resolve(request.pathParams.sha);
      if (!commit) throw ApiError.notFound('Commit');
      return { status: 200, body: commitEntity(commit, project) };
    });
}

/** `actions[]` as GitLab validates it, errors named like Grape names nested fields. */
function parseActions(value: unknown): CommitAction[] {
  if (!Array.isArray(value)) throw ApiError.error(400, 'actions is invalid');
  if (value.length === 0) throw ApiError.error(400, 'actions is empty');
  return value.map((raw, index) => {
    const field = (name: string) => `actions[${index}][${name}]`;
    if (!isRecord(raw))
      throw ApiError.error(400, `${field('action')} is missing`);
    const entry: Params = raw;
    const missing = ['action', 'file_path'].filter(
      name => entry[name] === undefined,
    );
    if (missing.length > 0) {
      throw ApiError.error(
        400,
        missing.map(name => `${field(name)} is missing`).join(', '),
      );
    }
    const action = stringParam(entry, 'action');
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw ApiError.error(
        400,
        `${field('action')} does not have a valid value`,
      );
    }
    const filePath = requiredString(entry, 'file_path');
    const lastCommitId = stringParam(entry, 'last_commit_id');
    const encoding = stringParam(entry, 'encoding');
    const rawContent = stringParam(entry, 'content');
    const content =
      rawContent === undefined
        ? undefined
        : decodeContent(rawContent, encoding, field('encoding'));
    switch (action) {
      case 'create':
      case 'update':
        return { action, filePath, lastCommitId, content: content ?? '' };
      case 'move': {
        const previousPath = stringParam(entry, 'previous_path');
        if (previousPath === undefined) {
          throw ApiError.error(400, `${field('previous_path')} is missing`);
        }
        return { action, filePath, previousPath, lastCommitId, content };
      }
      case 'chmod':
        return {
          action,
          filePath,
          lastCommitId,
          executeFilemode: booleanParam(entry, 'execute_filemode'),
        };
      default:
        return { action: 'delete', filePath, lastCommitId };
    }
  });
}
