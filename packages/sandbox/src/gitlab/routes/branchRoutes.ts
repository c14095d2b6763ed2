import { branchEntity } from '../entities';
import { ApiError } from '../http';
import { paginate } from '../pagination';
import { requiredString, requireParams, stringParam } from '../params';
import type { RouteTable } from '../RouteTable';
import { findProject, refusalsAs, RouteContext } from './context';

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
    });
}
