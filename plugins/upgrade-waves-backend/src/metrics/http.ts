const MAX_ERROR_BODY = 300;

/** A base URL without its trailing slashes, so paths can be appended. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * GETs JSON from an observability API and turns every failure into an error that names the service, the path
 * and what it answered. Only the origin and path are quoted: credentials travel in headers, never in messages.
 */
export async function getJson<T>(
  service: string,
  url: URL,
  options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      `${service} at ${url.origin} could not be reached: ${
        cause ?? (error as Error).message
      }`,
    );
  }
  const text = await response.text();
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
