import type { IncomingMessage } from 'node:http';
import type { SandboxUser } from './users';

/** Request parameters as GitLab's API reads them: query string and body merged. */
export type Params = Record<string, unknown>;

export interface ApiRequest {
  readonly url: URL;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly params: Params;
  readonly user: SandboxUser;
}

export interface ApiResponse {
  readonly status: number;
  /** Sent as JSON, unless `text` is set. */
  readonly body?: unknown;
  /** Sent as text/plain, for raw file contents. */
  readonly text?: string;
  /** Sent as they are, with the content type the headers give (archives). */
  readonly bytes?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An answer GitLab gives instead of a result; `body` is what it sends with it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }

  /** GitLab's `{"message": …}` errors: not found, refusals from its services. */
  static message(status: number, message: string | string[]): ApiError {
    return new ApiError(status, { message });
  }

  /** GitLab's `{"error": …}` errors: parameter validation and unknown routes. */
  static error(status: number, error: string): ApiError {
    return new ApiError(status, { error });
  }

  /** "404 Project Not Found", "404 File Not Found", … */
  static notFound(what: string): ApiError {
    return ApiError.message(404, `404 ${what} Not Found`);
  }
}

export const UNAUTHORIZED = ApiError.message(401, '401 Unauthorized');
export const UNKNOWN_ROUTE = ApiError.error(404, '404 Not Found');

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Query parameters; `key[]=a&key[]=b` become arrays, as GitLab's Grape reads them. */
export function searchParams(url: URL): Params {
  return fromPairs(url.searchParams);
}

/** A JSON or form-encoded body; other content types carry no parameters. */
export async function readBody(request: IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw ApiError.message(413, '413 Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw ApiError.error(400, 'The request body is not valid JSON');
    }
    return isRecord(parsed) ? parsed : {};
  }
  if (type === 'application/x-www-form-urlencoded') {
    return fromPairs(new URLSearchParams(text));
  }
  return {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromPairs(pairs: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of pairs) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = Array.isArray(params[name])
        ? (params[name] as unknown[])
        : [];
      params[name] = [...list, value];
    } else {
      params[key] = value;
    }
  }
  return params;
}
