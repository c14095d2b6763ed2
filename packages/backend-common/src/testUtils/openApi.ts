import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';

/** An OpenAPI document, as far as the checks below read it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

/**
 * A backend plugin's OpenAPI document, read from `src/schema/openapi.yaml` of its package. `parse` is a YAML
 * parser, such as the `yaml` package's `parse`, which the plugin brings.
 */
export function openApiDocumentOf(
  packageName: string,
  parse: (text: string) => unknown,
): OpenApiDocument {
  const file = resolvePackagePath(packageName, 'src/schema/openapi.yaml');
  return parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
}

const HTTP_METHODS = new Set([
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]);

/**
 * The routes an express router serves (`GET /waves/{waveId}`), and the ones an OpenAPI document describes,
 * in the same form, so a test can keep the two equal.
 */
export function servedRoutes(router: unknown): string[] {
  return (router as { stack: any[] }).stack
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys(layer.route.methods).map(
        method =>
          `${method.toUpperCase()} ${String(layer.route.path).replace(
            /:(\w+)/g,
            '{$1}',
          )}`,
      ),
    )
    .sort();
}

export function documentedRoutes(document: OpenApiDocument): string[] {
  return operationsOf(document)
    .map(op => op.route)
    .sort();
}

/**
 * Where an OpenAPI document and the router that serves it disagree, and where the document leaves out an error
 * answer every Fleetdeck router gives: 404 on a route with a path parameter (an unknown id), 400 and 403 on a
 * route that changes something (a bad body, a denied permission). Empty when there is none; otherwise one line
 * per gap, such as `POST /waves/{waveId}/approve: documents no 403`.
 */
export function openApiGaps(
  document: OpenApiDocument,
  router: unknown,
): string[] {
  const served = servedRoutes(router);
  const operations = operationsOf(document);
  const documented = operations.map(op => op.route);
  const gaps = [
    ...served
      .filter(route => !documented.includes(route))
      .map(route => `${route}: served but not documented`),
    ...documented
      .filter(route => !served.includes(route))
      .map(route => `${route}: documented but not served`),
  ];
  for (const { route, method, path, responses } of operations) {
    const expected = [
      ...(path.includes('{') ? ['404'] : []),
      ...(method === 'get' ? [] : ['400', '403']),
    ];
    for (const code of expected) {
      if (!responses.includes(code))
        gaps.push(`${route}: documents no ${code}`);
    }
  }
  return gaps;
}

function operationsOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, pathItem]) =>
    Object.entries(pathItem)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        method,
        path,
        responses: Object.keys(
          (operation as { responses?: object }).responses ?? {},
        ),
      })),
  );
}
