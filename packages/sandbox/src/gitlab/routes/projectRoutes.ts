import { currentUserEntity, projectEntity } from '../entities';
import { paginate } from '../pagination';
import { stringParam } from '../params';
import type { RouteTable } from '../RouteTable';
import { findProject, RouteContext } from './context';

export function addProjectRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  routes
    .get('user', ({ user }) => ({ status: 200, body: currentUserEntity(user) }))

    .get('projects', ({ url, params }) => {
      const search = stringParam(params, 'search')?.toLowerCase();
      const projects = context.projects
        .all()
        .filter(
          p => !search || p.pathWithNamespace.toLowerCase().includes(search),
        )
        // GitLab's default order: created_at descending
        .sort((a, b) => b.id - a.id)
        .map(p => projectEntity(p, context.baseUrl));
      return paginate(url, params, projects);
    })

    .get('projects/:id', request => ({
      status: 200,
      body: projectEntity(findProject(context, request), context.baseUrl),
    }));
}
