import { branchEntity, protectedBranchEntity } from '../entities';
import { ApiError, Params } from '../http';
import { paginate } from '../pagination';
import {
  booleanParam,
  integerParam,
  requiredString,
  requireParams,
  stringParam,
} from '../params';
import type { RouteTable } from '../RouteTable';
import { findProject, refusalsAs, RouteContext } from './context';

// No one, Developers + Maintainers, Maintainers, Admins
const PROTECTION_LEVELS: readonly number[] = [0, 30, 40, 60];

function protectionLevel(params: Params, name: string): number | undefined {
  const level = integerParam(params, name);
  if (level !== undefined && !PROTECTION_LEVELS.includes(level)) {
    throw ApiError.error(400, `${name} does not have a valid value`);
  }
  return level;
}

export function addBranchRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  routes
    .get('projects/:id/repository/branches', request => {
      const project = findProject(context, request);
      const search = stringParam(request.params, 'search')?.toLowerCase();
      const branches = project.repository
        .branchNames()
        .filter(name => !search || name.toLowerCase().includes(search))
        .map(name => branchEntity(name, project));
      return paginate(request.url, request.params, branches);
    })

    .get('projects/:id/repository/branches/:branch', request => {
      const project = findProject(context, request);
      const { branch } = request.pathParams;
      if (!project.repository.branchHead(branch))
        throw ApiError.notFound('Branch');
      return { status: 200, body: branchEntity(branch, project) };
    })

    .post('projects/:id/repository/branches', request => {
      const project = findProject(context, request);
      requireParams(request.params, ['branch', 'ref']);
      const branch = requiredString(request.params, 'branch');
      refusalsAs(400, () =>
        project.repository.createBranch(
          branch,
          requiredString(request.params, 'ref'),
        ),
      );
      return { status: 201, body: branchEntity(branch, project) };
    })

    .delete('projects/:id/repository/branches/:branch', request => {
      const project = findProject(context, request);
      const { branch } = request.pathParams;
      if (!project.repository.branchHead(branch))
        throw ApiError.notFound('Branch');
      // only the default branch is refused, with GitLab's 405
      refusalsAs(405, () => project.repository.deleteBranch(branch));
      return { status: 204 };
    })

    .get('projects/:id/protected_branches', request => {
      const project = findProject(context, request);
      const search = stringParam(request.params, 'search')?.toLowerCase();
      const rules = project.protectedBranches
        .all()
        .filter(rule => !search || rule.name.toLowerCase().includes(search))
        .map(protectedBranchEntity);
      return paginate(request.url, request.params, rules);
    })

    .get('projects/:id/protected_branches/:name', request => {
      const project = findProject(context, request);
      const rule = project.protectedBranches.find(request.pathParams.name);
      if (!rule) throw ApiError.message(404, '404 Not found');
      return { status: 200, body: protectedBranchEntity(rule) };
    })

    .post('projects/:id/protected_branches', request => {
      const project = findProject(context, request);
      const { params } = request;
      const name = requiredString(params, 'name');
      const rule = project.protectedBranches.protect({
        name,
        pushAccessLevel: protectionLevel(params, 'push_access_level'),
        mergeAccessLevel: protectionLevel(params, 'merge_access_level'),
        unprotectAccessLevel: protectionLevel(params, 'unprotect_access_level'),
        allowForcePush: booleanParam(params, 'allow_force_push'),
        codeOwnerApprovalRequired: booleanParam(
          params,
          'code_owner_approval_required',
        ),
      });
      if (!rule) {
        throw new ApiError(409, {
          message: `Protected branch '${name}' already exists`,
        });
      }
      return { status: 201, body: protectedBranchEntity(rule) };
    })

    .delete('projects/:id/protected_branches/:name', request => {
      const project = findProject(context, request);
      if (!project.protectedBranches.unprotect(request.pathParams.name))
        throw ApiError.message(404, '404 Not found');
      return { status: 204 };
    });
}
