/*
 * Why gitbeaker gets its requester from here.
 *
 * @gitbeaker/rest 43 sends every request through its `defaultRequestHandler`, which
 *  - waits on a rate limiter of its own: one `RateLimiterQueue` per resource instance
 *    (`Branches`, `Commits`, …) and endpoint glob, 3000 per 60 s by default (`rateLimits`,
 *    `rateLimitDuration` options), so it is neither shared nor ours;
 *  - retries 429 and 502 by itself, up to 10 times, `2 ** i * 0.25` ms apart, ignoring
 *    `Retry-After`, and then throws a `GitbeakerRetryError` without status or headers. Those
 *    retries are HTTP requests our limiter would never see, and no option turns them off.
 * The resource constructors take a `requesterFn` option, though (rest presets its own, and a
 * given one wins). The requester below does what gitbeaker's does (URL, query and JSON body in
 * GitLab's snake_case, the auth header, the same response and error shapes: a non-2xx answer
 * throws `GitbeakerRequestError` with `cause.response`), but each HTTP request, each retry and
 * each page of a paginated list, first waits on the shared `GitLabRateLimiter`, and 429 / 5xx are
 * retried by `retry`. A `Retry-After` is handed to the limiter, so that no request (of any replica, with
 * the shared limiter) goes out before it ends. So our limiter is the only one and sees every
 * request that leaves the backend.
 *
 * Each attempt has its own timeout (gitbeaker's `queryTimeout`, one timer for the whole call, would count the
 * waits in the limiter too), and the caller's AbortSignal, given through {@link withGitLabSignal}, cancels both
 * the wait and the request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  Gitlab,
} from '@gitbeaker/rest';
import { errorName, requestFailure, retryableGitLabFailure } from './errors';
import type { GitLabRequestLimiter } from './GitLabRateLimiter';
import { retry } from './retry';

type GitlabOptions = NonNullable<ConstructorParameters<typeof Gitlab>[0]>;
/** The `requesterFn` option of gitbeaker's resource constructors. */
export type GitbeakerRequesterFn = NonNullable<GitlabOptions['requesterFn']>;
type ResourceOptions = Parameters<GitbeakerRequesterFn>[0];
type Requester = ReturnType<GitbeakerRequesterFn>;
type RequestOptions = NonNullable<Parameters<Requester['get']>[1]>;
type FormattedResponse = Awaited<ReturnType<Requester['get']>>;

export interface LimitedRequesterOptions {
  limiter: GitLabRequestLimiter;
  /** Attempts per HTTP request, the first included. */
  maxAttempts: number;
  /** How long one attempt may take, waits in the limiter aside; 30 s by default. */
  timeoutMs?: number;
  logger: LoggerService;
  /** The wait between attempts; tests shorten it. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

// gitbeaker's methods take no signal, so the caller's travels beside the call
const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

/**
 * Runs `call` so that the GitLab requests it makes are cancelled when `signal` aborts — or a signal of an enclosing
 * `withGitLabSignal` (the orchestrator's lost-claim signal around a whole step, a call's own signal inside it).
 */
export function withGitLabSignal<T>(
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  const outer = callSignal.getStore();
  if (!signal) return call();
  return callSignal.run(
    outer ? AbortSignal.any([outer, signal]) : signal,
    call,
  );
}

/** A gitbeaker requester whose every HTTP request passes the shared limiter and `retry`. */
export function createLimitedRequester(
  options: LimitedRequesterOptions,
): GitbeakerRequesterFn {
  return resource => {
    const send =
      (method: string) => (endpoint: string, request?: RequestOptions) =>
        sendRequest(resource, method, endpoint, request ?? {}, options);
    const requester = {
      get: send('GET'),
      post: send('POST'),
      put: send('PUT'),
      patch: send('PATCH'),
      delete: send('DELETE'),
    };
    // gitbeaker types each method generic in the body it expects; the body is whatever GitLab sent
    return requester as unknown as Requester;
  };
}

async function sendRequest(
  resource: ResourceOptions,
  method: string,
  endpoint: string,
  request: RequestOptions,
  options: LimitedRequesterOptions,
): Promise<FormattedResponse> {
  const base = resource.url.endsWith('/') ? resource.url : `${resource.url}/`;
  const url = new URL(endpoint, base);
  url.search = formatQuery(request.searchParams);

  const headers: Record<string, string> = { ...resource.headers };
  if (request.sudo !== undefined) headers.sudo = String(request.sudo);
  let body: string | FormData | undefined;
  if (request.body instanceof FormData) {
    body = request.body;
  } else if (request.body) {
    body = JSON.stringify(decamelizeKeys(request.body));
    headers['content-type'] = 'application/json';
  }
  // gitbeaker sends the first of its auth headers (PRIVATE-TOKEN, Authorization or JOB-TOKEN)
  const [auth] = Object.entries(resource.authHeaders);
  if (auth) headers[auth[0]] = await auth[1]();

  const signal = callSignal.getStore();
  const timeoutMs = options.timeoutMs ?? 30_000;
  return retry(
    async () => {
      await options.limiter.acquire({ signal });
      const timeout = AbortSignal.timeout(timeoutMs);
      let failure: GitbeakerRequestError;
      try {
        const response = await fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.any(
            [timeout, signal, request.signal].filter(
              (s): s is AbortSignal => s !== undefined,
            ),
          ),
        });
        if (response.ok) return await parseResponse(response, request.asStream);
        failure = await requestError(method, url, response);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const name = errorName(error);
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new GitbeakerTimeoutError(
            `Query timeout of ${timeoutMs} ms was reached`,
          );
        }
        throw error;
      }
      const decision = retryableGitLabFailure(failure);
      // every request of every replica sharing the limiter waits until then, not only this call's retry
      if (decision?.retryAfterMs !== undefined) {
        await options.limiter.holdOff(decision.retryAfterMs);
      }
      throw failure;
    },
    {
      maxAttempts: options.maxAttempts,
      // the limiter waits out Retry-After (however long) before the next attempt; retry adds only backoff
      retryable: error => (retryableGitLabFailure(error) ? {} : undefined),
      sleep:
        options.sleep ??
        (async ms => {
          try {
            await delay(ms, undefined, { signal });
          } catch (error) {
            throw signal?.aborted ? signal.reason : error;
          }
        }),
      random: options.random,
      onRetry: ({ error, attempt, delayMs }) => {
        const failure = requestFailure(error);
        options.logger.warn(
          `GitLab ${method} ${url.pathname} ${
            failure ? `answered ${failure.status}` : 'could not be reached'
          } (attempt ${attempt} of ${
            options.maxAttempts
          }); retrying in ${delayMs} ms`,
        );
      },
    },
  );
}

async function parseResponse(
  response: Response,
  asStream = false,
): Promise<FormattedResponse> {
  const headers = Object.fromEntries(response.headers.entries());
  const { status } = response;
  let body: unknown;
  if (asStream) {
    body = response.body;
  } else if (status === 204) {
    body = null;
  } else {
    const type = (response.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim();
    if (type === 'application/json') body = (await response.json()) || {};
    else if (type.startsWith('text/')) body = (await response.text()) || '';
    else body = await response.blob();
  }
  return { body, headers, status } as FormattedResponse;
}

async function requestError(
  method: string,
  url: URL,
  response: Response,
): Promise<GitbeakerRequestError> {
  const content = await response.text();
  let description = content;
  if (response.headers.get('content-type')?.includes('application/json')) {
    try {
      const parsed = JSON.parse(content);
      const said = parsed?.error || parsed?.message || '';
      description = typeof said === 'string' ? said : JSON.stringify(said);
    } catch {
      // GitLab's front ends sometimes label an HTML page as JSON; keep the text
    }
  }
  return new GitbeakerRequestError(description, {
    cause: {
      description,
      // the request as gitbeaker reports it, without the auth header
      request: new Request(url, { method }),
      response,
    },
  });
}

/** GitLab's parameter names: `sourceBranch` → `source_branch`, as gitbeaker sends them. */
function decamelize(key: string): string {
  return /^[a-z]/.test(key)
    ? key.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`)
    : key;
}

function decamelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decamelizeKeys);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        decamelize(key),
        decamelizeKeys(inner),
      ]),
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A query string the way gitbeaker builds one: arrays as `key[]=`, objects as `key[inner]=`. */
function formatQuery(params: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null) {
      parts.push(`${encode(key)}=`);
    } else if (Array.isArray(value)) {
      value.forEach(item => add(`${key}[]`, item));
    } else if (value instanceof Date) {
      parts.push(`${encode(key)}=${encode(value.toISOString())}`);
    } else if (typeof value === 'object') {
      Object.entries(value).forEach(([inner, item]) =>
        add(`${key}[${inner}]`, item),
      );
    } else {
      parts.push(`${encode(key)}=${encode(String(value))}`);
    }
  };
  const decamelized = decamelizeKeys(params ?? {}) as Record<string, unknown>;
  Object.entries(decamelized).forEach(([key, value]) => add(key, value));
  return parts.join('&');
}

// RFC 3986: encodeURIComponent leaves !'()* as they are
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
