import {
  currentUserEntity,
  groupEntity,
  namespaceEntity,
  projectEntity,
  userBasicEntity,
} from '../entities';
import { ApiError, ApiRequest } from '../http';
import { paginate } from '../pagination';
import {
  booleanParam,
  enumParam,
  integerParam,
  requireParams,
  stringParam,
} from '../params';
import {
  isValidPath,
  Namespace,
  Project,
  VISIBILITIES,
} from '../ProjectDirectory';
import type { RouteTable } from '../RouteTable';
import type { SandboxUser } from '../users';
import type { RouteContext } from './context';

/** Namespaces, groups and users: where publishers look up the owner of a new project. */
export function addNamespaceRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  const { projects, baseUrl } = context;

  const findGroup = (request: ApiRequest): Namespace => {
    const group = projects.findNamespace(request.pathParams.id);
    if (!group || group.kind !== 'group') throw ApiError.notFound('Group');
    return group;
  };

  // the sandbox knows one user: the token's
  const findUser = (request: ApiRequest): SandboxUser => {
    const key = request.pathParams.user_id;
    const { user } = request;
    if (key === String(user.id) || key === user.username) return user;
    throw ApiError.notFound('User');
  };

  const matching = (search: string | undefined, ...values: string[]) =>
    !search || values.some(v => v.toLowerCase().includes(search.toLowerCase()));

  const projectList = (request: ApiRequest, listed: Project[]) => {
    const search = stringParam(request.params, 'search');
    const entities = listed
      .filter(p => matching(search, p.name, p.path))
      .sort((a, b) => b.id - a.id)
      .map(p => projectEntity(p, baseUrl));
    return paginate(request.url, request.params, entities);
  };

  routes
    .get('namespaces', request => {
      const search = stringParam(request.params, 'search');
      const listed = projects
        .namespaces()
        .filter(n => matching(search, n.fullPath, n.name))
        .map(namespaceEntity);
      return paginate(request.url, request.params, listed);
    })

    .get('namespaces/:id', request => {
      const namespace = projects.findNamespace(request.pathParams.id);
      if (!namespace) throw ApiError.notFound('Namespace');
      return { status: 200, body: namespaceEntity(namespace) };
    })

    .get('groups', request => {
      const search = stringParam(request.params, 'search');
      const listed = projects
        .namespaces()
        .filter(n => n.kind === 'group')
        .filter(n => matching(search, n.fullPath, n.name))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(groupEntity);
      return paginate(request.url, request.params, listed);
    })

    .get('groups/:id', request => ({
      status: 200,
      body: groupEntity(findGroup(request)),
    }))

    .get('groups/:id/projects', request =>
      projectList(
        request,
        projects.inNamespace(
          findGroup(request),
          booleanParam(request.params, 'include_subgroups') ?? false,
        ),
      ),
    )

    .post('groups', request => {
      const { params } = request;
      requireParams(params, ['name', 'path']);
      const name = stringParam(params, 'name')!;
      const path = stringParam(params, 'path')!;
      const visibility = enumParam(params, 'visibility', VISIBILITIES);
      const parentId = integerParam(params, 'parent_id');
      let parentPath = '';
      if (parentId !== undefined) {
        const parent = projects.findNamespace(parentId);
        if (!parent || parent.kind !== 'group')
          throw ApiError.notFound('Group');
        parentPath = `${parent.fullPath}/`;
      }
      if (!isValidPath(path)) {
        throw ApiError.message(
          400,
          "Failed to save group {:path=>[\"can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.\"]}",
        );
      }
      if (projects.findNamespace(`${parentPath}${path}`)) {
        throw ApiError.message(
          400,
          'Failed to save group {:path=>["has already been taken"]}',
        );
      }
      const group = projects.createGroup(`${parentPath}${path}`, {
        name,
        description: stringParam(params, 'description'),
        visibility,
      });
      return { status: 201, body: groupEntity(group) };
    })

    .get('users', request => {
      const username = stringParam(request.params, 'username');
      const search = stringParam(request.params, 'search');
      const { user } = request;
      const listed = [user]
        .filter(
          u =>
            username === undefined ||
            u.username.toLowerCase() === username.toLowerCase(),
        )
        .filter(u => matching(search, u.username, u.name, u.email))
        .map(userBasicEntity);
      return paginate(request.url, request.params, listed);
    })

    .get('users/:user_id', request => {
      const user = findUser(request);
      const { email: _email, ...publicFields } = currentUserEntity(user);
      return { status: 200, body: publicFields };
    })

    .get('users/:user_id/projects', request => {
      const namespace = projects.userNamespace(findUser(request));
      return projectList(
        request,
        namespace ? projects.inNamespace(namespace) : [],
      );
    });
}
