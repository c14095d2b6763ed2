import { ServiceUnavailableError } from '@backstage/errors';
import { DEFAULT_TIMEOUTS } from '../config';

const MAX_ERROR_BODY = 300;

/** A base URL without its trailing slashes, so paths can be appended. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Where and how long a GET to an observability API may go. */
export interface GetJsonOptions {
  headers?: Record<string, string>;
  /** The caller's signal: its abort comes out as it is. */
  signal?: AbortSignal;
  /** The whole request, body included; `upgradeWaves.timeouts.metricsMs`, 15 s by default. */
  timeoutMs?: number;
}

/**
 * GETs JSON from an observability API and turns every failure into an error that names the service, the path
 * and what it answered. Only the origin and path are quoted: credentials travel in headers, never in messages.
 * A server that does not answer within the timeout gives a retryable ServiceUnavailableError.
 */
export async function getJson<T>(
  service: string,
  url: URL,
  options: GetJsonOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS.metricsMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const timedOut = (error: unknown): unknown =>
    timeout.aborted && !options.signal?.aborted
      ? new ServiceUnavailableError(
          `${service} at ${url.host} did not answer GET ${url.pathname} within ${timeoutMs} ms`,
        )
      : error;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: AbortSignal.any(
        options.signal ? [options.signal, timeout] : [timeout],
      ),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (timeout.aborted) throw timedOut(error);
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      `${service} at ${url.origin} could not be reached: ${
        cause ?? (error as Error).message
      }`,
    );
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw timedOut(error);
  }
  if (!response.ok) {
    throw new Error(
      `${service} answered ${response.status} ${response.statusText} to ${
        url.pathname
      }: ${errorText(text)}`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(
      `${service} answered ${
        url.pathname
      } with something other than JSON: ${truncate(text)}`,
    );
  }
}

/** The error Prometheus (`error`), Alertmanager (`message`) or Datadog (`errors`) put in the body, else the body. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text);
    if (typeof body === 'string') return truncate(body);
    if (typeof body?.error === 'string') return truncate(body.error);
    if (typeof body?.message === 'string') return truncate(body.message);
    if (Array.isArray(body?.errors)) return truncate(body.errors.join('; '));
  } catch {
    // Not JSON: quote it as it is.
  }
  return truncate(text) || '(empty body)';
}

function truncate(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_ERROR_BODY
    ? `${trimmed.slice(0, MAX_ERROR_BODY)}…`
    : trimmed;
}
