import type { ApiRequest, ApiResponse } from './http';

/** Most routes answer at once; the few that need git answer later. */
export type RouteHandler = (
  request: ApiRequest,
) => ApiResponse | Promise<ApiResponse>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

/**
 * Routes under /api/v4 by method and path pattern (`projects/:id/repository/files/:file_path`).
 * Patterns match decoded path segments one to one, so an id or a file path carrying an encoded
 * slash (`group%2Fapp`) is one segment, as in GitLab.
 */
export class RouteTable {
  readonly #routes: Route[] = [];

  get(pattern: string, handler: RouteHandler): this {
    return this.#add('GET', pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.#add('POST', pattern, handler);
  }

  put(pattern: string, handler: RouteHandler): this {
    return this.#add('PUT', pattern, handler);
  }

  delete(pattern: string, handler: RouteHandler): this {
    return this.#add('DELETE', pattern, handler);
  }

  match(
    method: string,
    segments: readonly string[],
  ): { handler: RouteHandler; pathParams: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== segments.length)
        continue;
      const pathParams: Record<string, string> = {};
      const matches = route.segments.every((part, index) => {
        if (part.startsWith(':')) {
          pathParams[part.slice(1)] = segments[index];
          return segments[index] !== '';
        }
        return part === segments[index];
      });
      if (matches) return { handler: route.handler, pathParams };
    }
    return undefined;
  }

  #add(method: string, pattern: string, handler: RouteHandler): this {
    this.#routes.push({ method, segments: pattern.split('/'), handler });
    return this;
  }
}
