import { fileEntity, treeEntryEntity } from '../entities';
import type { ArchiveFormat } from '../git/BareRepository';
import { ApiError, ApiRequest, ApiResponse } from '../http';
import { paginate } from '../pagination';
import {
  booleanParam,
  requiredString,
  requireParams,
  stringParam,
} from '../params';
import type { CommitAction } from '../Repository';
import type { RouteTable } from '../RouteTable';
import {
  commitAuthor,
  decodeContent,
  findProject,
  refOrDefault,
  refusalsAs,
  RouteContext,
} from './context';

// GitLab's archive route takes its format from the extension: archive, archive.zip, …
const ARCHIVES: ReadonlyArray<[string, ArchiveFormat, string]> = [
  ['archive', 'tar.gz', 'application/gzip'],
  ['archive.tar.gz', 'tar.gz', 'application/gzip'],
  ['archive.tar', 'tar', 'application/x-tar'],
  ['archive.zip', 'zip', 'application/zip'],
];

/** Repository files (one file per commit), the repository tree, and archives of it. */
export function addFileRoutes(routes: RouteTable, context: RouteContext): void {
  const readFile = (request: ApiRequest, ref: string) => {
    const project = findProject(context, request);
    const filePath = request.pathParams.file_path;
    const commit = project.repository.resolve(ref);
    if (!commit) throw ApiError.notFound('Commit');
    const content = commit.files.get(filePath);
    if (content === undefined) throw ApiError.notFound('File');
    return { project, filePath, commit, content };
  };

  const writeFile = (
    request: ApiRequest,
    action: 'create' | 'update' | 'delete',
    status: number,
  ): ApiResponse => {
    const project = findProject(context, request);
    const { params } = request;
    requireParams(params, [
      'branch',
      ...(action === 'delete' ? [] : ['content']),
      'commit_message',
    ]);
    const filePath = request.pathParams.file_path;
    const branch = requiredString(params, 'branch');
    const lastCommitId = stringParam(params, 'last_commit_id');
    const change: CommitAction =
      action === 'delete'
        ? { action, filePath, lastCommitId }
        : {
            action,
            filePath,
            lastCommitId,
            content: decodeContent(
              requiredString(params, 'content'),
              stringParam(params, 'encoding'),
              'encoding',
            ),
          };
    refusalsAs(400, () =>
      project.repository.commitActions({
        branch,
        startBranch: stringParam(params, 'start_branch'),
        message: requiredString(params, 'commit_message'),
        author: commitAuthor(request),
        actions: [change],
      }),
    );
    return action === 'delete'
      ? { status }
      : { status, body: { file_path: filePath, branch } };
  };

  routes
    .get('projects/:id/repository/files/:file_path', request => {
      const ref = requiredString(request.params, 'ref');
      const { project, filePath, commit, content } = readFile(request, ref);
      return {
        status: 200,
        body: fileEntity(project, filePath, ref, content, commit),
      };
    })

    .get('projects/:id/repository/files/:file_path/raw', request => {
      const project = findProject(context, request);
      const { content, filePath } = readFile(
        request,
        refOrDefault(request.params, 'ref', project),
      );
      return {
        status: 200,
        text: content,
        headers: { 'x-gitlab-file-path': filePath },
      };
    })

    .post('projects/:id/repository/files/:file_path', request =>
      writeFile(request, 'create', 201),
    )
    .put('projects/:id/repository/files/:file_path', request =>
      writeFile(request, 'update', 200),
    )
    .delete('projects/:id/repository/files/:file_path', request =>
      writeFile(request, 'delete', 204),
    )

    .get('projects/:id/repository/tree', request => {
      const project = findProject(context, request);
      const { params } = request;
      const entries = project.repository.tree(
        refOrDefault(params, 'ref', project),
        stringParam(params, 'path') ?? '',
        booleanParam(params, 'recursive') ?? false,
      );
      if (!entries) throw ApiError.notFound('Tree');
      return paginate(request.url, params, entries.map(treeEntryEntity));
    });

  for (const [name, format, contentType] of ARCHIVES) {
    routes.get(`projects/:id/repository/${name}`, async request => {
      const project = findProject(context, request);
      const ref = refOrDefault(request.params, 'sha', project);
      const path = stringParam(request.params, 'path')?.replace(
        /^\/+|\/+$/g,
        '',
      );
      const commit = project.repository.resolve(ref);
      // an empty repository, an unknown ref, or a path with no files in it
      if (!commit || (path && !project.repository.tree(ref, path, false))) {
        throw ApiError.notFound('File');
      }
      const base = `${project.path}-${ref.replace(/\//g, '-')}-${commit.id}`;
      const prefix = path ? `${base}-${path.replace(/\//g, '-')}` : base;
      const bytes = await context.archive(project, commit.id, {
        format,
        prefix,
        path: path || undefined,
      });
      return {
        status: 200,
        bytes,
        headers: {
          'content-type': contentType,
          'content-disposition': `attachment; filename="${prefix}.${format}"`,
        },
      };
    });
  }
}
