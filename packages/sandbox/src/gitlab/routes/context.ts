import type { ArchiveFormat } from '../git/BareRepository';
import { ApiError, ApiRequest, Params } from '../http';
import type { MergeEvent } from '../MergeRequestTracker';
import { stringParam } from '../params';
import type { Project, ProjectDirectory } from '../ProjectDirectory';
import { Author, RepositoryError } from '../Repository';

/** What the route handlers share: the projects, the public URL, where merges are told, and git. */
export interface RouteContext {
  readonly projects: ProjectDirectory;
  readonly baseUrl: string;
  readonly announceMerge: (event: MergeEvent & { projectPath: string }) => void;
  /** `git archive` of a commit of the project */
  readonly archive: (
    project: Project,
    commitId: string,
    options: { format: ArchiveFormat; prefix: string; path?: string },
  ) => Promise<Buffer>;
}

export function findProject(
  context: RouteContext,
  request: ApiRequest,
): Project {
  const project = context.projects.find(request.pathParams.id);
  if (!project) throw ApiError.notFound('Project');
  return project;
}

/** The commit author: `author_name`/`author_email` when given, else the token's user. */
export function commitAuthor(request: ApiRequest): Author {
  return {
    name: stringParam(request.params, 'author_name') ?? request.user.name,
    email: stringParam(request.params, 'author_email') ?? request.user.email,
  };
}

/** Text content from a `content` value sent with `encoding` text (default) or base64. */
export function decodeContent(
  content: string,
  encoding: string | undefined,
  field: string,
): string {
  if (encoding === undefined || encoding === 'text') return content;
  if (encoding === 'base64')
    return Buffer.from(content, 'base64').toString('utf8');
  throw ApiError.error(400, `${field} does not have a valid value`);
}

export function refOrDefault(
  params: Params,
  name: string,
  project: Project,
): string {
  return stringParam(params, name) ?? project.repository.defaultBranch;
}

/** Runs a repository change, answering a refusal with `status` and GitLab's message. */
export function refusalsAs<T>(status: number, change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof RepositoryError)
      throw ApiError.message(status, error.message);
    throw error;
  }
}
