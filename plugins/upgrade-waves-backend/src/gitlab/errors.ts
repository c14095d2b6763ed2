import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { GitLabWaitError } from './GitLabRateLimiter';
import { parseRetryAfter, RetryDecision } from './retry';

/**
 * GitLab refused the configured token (401) or its access to a project (403). Named for the
 * project and host, never the token; it is the backend's configuration, not the user's request,
 * that is wrong, so it is not one of the 4xx errors Backstage forwards to the caller.
 */
export class GitLabAccessError extends CustomErrorBase {
  name = 'GitLabAccessError' as const;
}

/** What GitLab answered, as @gitbeaker/rest's `GitbeakerRequestError` carries it in `cause`. */
interface RequestFailure {
  status: number;
  headers: Headers;
  description: string;
}

/**
 * gitbeaker 43 throws `GitbeakerRequestError` for any answer outside 2xx, with
 * `cause: { description, request, response }`: `response` is the fetch `Response` (status and
 * headers intact, body already read into `description`, GitLab's `message` or `error`).
 */
export function requestFailure(error: unknown): RequestFailure | undefined {
  if (errorName(error) !== 'GitbeakerRequestError') return undefined;
  const cause = (
    error as { cause?: { response?: Response; description?: string } }
  ).cause;
  if (!cause?.response) return undefined;
  return {
    status: cause.response.status,
    headers: cause.response.headers,
    description: (cause.description ?? '').trim(),
  };
}

/** fetch's own failure to reach the server: refused, reset, DNS. */
export function isConnectionFailure(error: unknown): boolean {
  // by name, not instanceof: fetch's errors may come from another realm (as under jest)
  return (
    errorName(error) === 'TypeError' &&
    (error as Error).message === 'fetch failed'
  );
}

/** The `name` of an error from any realm. */
export function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name } = error as { name?: unknown };
  return typeof name === 'string' ? name : undefined;
}

/** 429 and 5xx may pass with time, and so may a connection that failed; nothing else does. */
export function retryableGitLabFailure(
  error: unknown,
): RetryDecision | undefined {
  const failure = requestFailure(error);
  if (failure) {
    if (failure.status !== 429 && failure.status < 500) return undefined;
    return {
      retryAfterMs: parseRetryAfter(failure.headers.get('retry-after')),
    };
  }
  return isConnectionFailure(error) ? {} : undefined;
}

/** Where a GitLab call went and what it was for, to name in errors. */
export interface GitLabCallContext {
  host: string;
  project: string;
  /** What was being done, e.g. `create branch feature/istio-1.23.0-test`. */
  action: string;
}

/**
 * The Backstage error for a failed GitLab call: 404 → NotFoundError, 400/422 → InputError,
 * 401/403 → GitLabAccessError, 405/406/409 → ConflictError, 429/5xx and unreachable →
 * ServiceUnavailableError. The gitbeaker error is not kept as the cause: its request carries
 * the token in a header.
 */
export function toGitLabError(
  error: unknown,
  context: GitLabCallContext,
): Error {
  const { host, project, action } = context;
  const failure = requestFailure(error);
  if (failure) {
    const { status } = failure;
    const said = failure.description ? `: ${failure.description}` : '';
    switch (status) {
      case 404:
        return new NotFoundError(
          `GitLab project ${project}: could not ${action}${
            said || ': not found'
          }`,
        );
      case 400:
      case 422:
        return new InputError(
          `GitLab project ${project}: could not ${action}${said}`,
        );
      case 401:
      case 403:
        return new GitLabAccessError(
          `GitLab at ${host} refused access (${status}) to project ${project} when asked to ${action}; check the token of the integrations.gitlab entry for ${host} and its access to the project`,
        );
      case 405:
      case 406:
      case 409:
        return new ConflictError(
          `GitLab project ${project}: could not ${action}${said}`,
        );
      default:
        if (status === 429 || status >= 500) {
          return new ServiceUnavailableError(
            `GitLab at ${host} answered ${status} when asked to ${action} in project ${project}, and kept doing so${said}`,
          );
        }
        return new Error(
          `GitLab project ${project}: could not ${action} (${status})${said}`,
        );
    }
  }
  if (errorName(error) === 'GitbeakerTimeoutError') {
    return new ServiceUnavailableError(
      `GitLab at ${host} did not answer in time when asked to ${action} in project ${project} (${
        (error as Error).message
      })`,
    );
  }
  if (error instanceof GitLabWaitError) {
    return new GitLabWaitError(
      `Could not ${action} in project ${project} yet: ${error.message}`,
      error.until,
    );
  }
  if (isConnectionFailure(error)) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return new ServiceUnavailableError(
      `Could not reach GitLab at ${host} to ${action} in project ${project}${
        code ? ` (${code})` : ''
      }`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
