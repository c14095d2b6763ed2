import { ACCESS_LEVELS } from '../BranchProtection';
import {
  currentUserEntity,
  memberEntity,
  projectEntity,
  variableEntity,
} from '../entities';
import { ApiError, ApiRequest, Params } from '../http';
import { paginate } from '../pagination';
import {
  booleanParam,
  enumParam,
  integerParam,
  requireParams,
  requiredString,
  stringParam,
} from '../params';
import {
  isValidPath,
  Namespace,
  pathFromName,
  ProjectVariable,
  VISIBILITIES,
} from '../ProjectDirectory';
import type { RouteTable } from '../RouteTable';
import { findProject, RouteContext } from './context';

// what GitLab accepts as a project name: letters, digits, emoji, '_', '.', '+', '-', spaces
const PROJECT_NAME =
  /^[\p{L}\p{N}\p{Extended_Pictographic}_][\p{L}\p{N}\p{Extended_Pictographic}_.+\- ]*$/u;

const MEMBER_ACCESS_LEVELS: readonly number[] = [
  ACCESS_LEVELS.guest,
  ACCESS_LEVELS.planner,
  ACCESS_LEVELS.reporter,
  ACCESS_LEVELS.developer,
  ACCESS_LEVELS.maintainer,
  ACCESS_LEVELS.owner,
];

/** GitLab's model validation errors: 400 with the messages by attribute. */
function validationError(errors: Record<string, string[]>): ApiError {
  return new ApiError(400, { message: errors });
}

/** `topics` as an array, or GitLab's comma-separated string. */
function topicsParam(params: Params): string[] | undefined {
  const value = params.topics ?? params.tag_list;
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).filter(t => t !== '');
  if (typeof value === 'string')
    return value
      .split(',')
      .map(t => t.trim())
      .filter(t => t !== '');
  throw ApiError.error(400, 'topics is invalid');
}

function readme(name: string, description: string | undefined): string {
  return description ? `# ${name}\n\n${description}\n` : `# ${name}\n`;
}

export function addProjectRoutes(
  routes: RouteTable,
  context: RouteContext,
): void {
  const { projects, baseUrl } = context;

  const targetNamespace = (request: ApiRequest): Namespace => {
    const given = stringParam(request.params, 'namespace_id');
    // without one, the project goes to the user's own namespace
    const namespace =
      given === undefined
        ? projects.userNamespace(request.user)
        : projects.findNamespace(given);
    if (!namespace) throw validationError({ namespace: ['is not valid'] });
    return namespace;
  };

  routes
    .get('user', ({ user }) => ({ status: 200, body: currentUserEntity(user) }))

    .get('projects', ({ url, params }) => {
      const search = stringParam(params, 'search')?.toLowerCase();
      const listed = projects
        .all()
        .filter(
          p => !search || p.pathWithNamespace.toLowerCase().includes(search),
        )
        // GitLab's default order: created_at descending
        .sort((a, b) => b.id - a.id)
        .map(p => projectEntity(p, baseUrl));
      return paginate(url, params, listed);
    })

    .get('projects/:id', request => ({
      status: 200,
      body: projectEntity(findProject(context, request), baseUrl),
    }))

    .post('projects', request => {
      const { params } = request;
      const givenName = stringParam(params, 'name');
      const givenPath = stringParam(params, 'path');
      if (!givenName && !givenPath) {
        throw ApiError.error(
          400,
          'name, path are missing, at least one parameter must be provided',
        );
      }
      const visibility = enumParam(params, 'visibility', VISIBILITIES);
      const initializeWithReadme =
        booleanParam(params, 'initialize_with_readme') ?? false;
      const topics = topicsParam(params);
      const namespace = targetNamespace(request);
      const path = givenPath ?? pathFromName(givenName!);
      const name = givenName ?? givenPath!;

      const errors: Record<string, string[]> = {};
      if (!PROJECT_NAME.test(name)) {
        errors.name = [
          "can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'.",
        ];
      }
      if (!isValidPath(path)) {
        errors.path = [
          "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
        ];
      }
      const taken = projects.taken(namespace, name, path);
      if (taken.name) {
        errors['project_namespace.name'] = ['has already been taken'];
        errors.name = [...(errors.name ?? []), 'has already been taken'];
      }
      if (taken.path) {
        errors.path = [...(errors.path ?? []), 'has already been taken'];
      }
      if (Object.keys(errors).length > 0) throw validationError(errors);

      const defaultBranch = stringParam(params, 'default_branch') ?? 'main';
      const description = stringParam(params, 'description');
      const project = projects.add({
        namespace,
        name,
        path,
        // GitLab reads default_branch only for the README commit; an empty project waits for its first push
        defaultBranch: initializeWithReadme ? defaultBranch : 'main',
        files: initializeWithReadme
          ? { 'README.md': readme(name, description) }
          : undefined,
        description,
        visibility,
        topics,
        creator: request.user,
      });
      return { status: 201, body: projectEntity(project, baseUrl) };
    })

    .get('projects/:id/members', request => {
      const project = findProject(context, request);
      const members = [...project.members.values()].map(memberEntity);
      return paginate(request.url, request.params, members);
    })

    .post('projects/:id/members', request => {
      const project = findProject(context, request);
      const { params, user } = request;
      requireParams(params, ['access_level']);
      const accessLevel = integerParam(params, 'access_level')!;
      if (!MEMBER_ACCESS_LEVELS.includes(accessLevel)) {
        throw ApiError.error(400, 'access_level does not have a valid value');
      }
      const userId = stringParam(params, 'user_id');
      const username = stringParam(params, 'username');
      if ((userId === undefined) === (username === undefined)) {
        throw ApiError.error(
          400,
          'user_id, username are missing, exactly one parameter must be provided',
        );
      }
      // the sandbox knows one user: the token's
      const known =
        userId === String(user.id) || username?.toLowerCase() === user.username;
      if (!known) throw ApiError.notFound('User');
      if (project.members.has(user.id)) {
        throw new ApiError(409, { message: 'Member already exists' });
      }
      const member = {
        user,
        accessLevel,
        createdAt: new Date().toISOString(),
        expiresAt: stringParam(params, 'expires_at') ?? null,
      };
      project.members.set(user.id, member);
      return { status: 201, body: memberEntity(member) };
    })

    .get('projects/:id/variables', request => {
      const project = findProject(context, request);
      return paginate(
        request.url,
        request.params,
        project.variables.map(variableEntity),
      );
    })

    .post('projects/:id/variables', request => {
      const project = findProject(context, request);
      const { params } = request;
      requireParams(params, ['key', 'value']);
      const key = requiredString(params, 'key');
      const value = requiredString(params, 'value');
      const masked =
        (booleanParam(params, 'masked') ?? false) ||
        (booleanParam(params, 'masked_and_hidden') ?? false);
      const variable: ProjectVariable = {
        key,
        value,
        variableType:
          enumParam(params, 'variable_type', ['env_var', 'file'] as const) ??
          'env_var',
        protected: booleanParam(params, 'protected') ?? false,
        masked,
        hidden: booleanParam(params, 'masked_and_hidden') ?? false,
        raw: booleanParam(params, 'raw') ?? false,
        environmentScope: stringParam(params, 'environment_scope') ?? '*',
        description: stringParam(params, 'description') ?? null,
      };
      const errors: Record<string, string[]> = {};
      if (!/^[A-Za-z0-9_]{1,255}$/.test(key)) {
        errors.key = ["can contain only letters, digits and '_'."];
      } else if (
        project.variables.some(
          v =>
            v.key === key && v.environmentScope === variable.environmentScope,
        )
      ) {
        errors.key = [`(${key}) has already been taken`];
      }
      // a masked value has to be one line of at least 8 characters
      if (masked && (value.length < 8 || /\s/.test(value))) {
        errors.value = ['is invalid'];
      }
      if (Object.keys(errors).length > 0) throw validationError(errors);
      project.variables.push(variable);
      return { status: 201, body: variableEntity(variable) };
    });
}
