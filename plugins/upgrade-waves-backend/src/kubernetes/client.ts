import http from 'node:http';
import https from 'node:https';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ApiException,
  ConfigurationOptions,
  HttpLibrary,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  Observable,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import { DEFAULT_TIMEOUTS } from '../config';

const fetchLibrary = new IsomorphicFetchHttpLibrary();

/** A request to a cluster's API server ran out of time: retryable, naming the server and what was asked. */
export function kubernetesTimeoutError(
  url: string | URL,
  method: string,
  timeoutMs: number,
): ServiceUnavailableError {
  const { host, pathname } = new URL(url);
  return new ServiceUnavailableError(
    `The Kubernetes API at ${host} did not answer ${method} ${pathname} within ${timeoutMs} ms`,
  );
}

/**
 * The client's own fetch, with a timer per request (headers and body) and the caller's signal: the caller's
 * abort comes out as the client reports it, the timer as a {@link kubernetesTimeoutError}.
 */
class TimedHttpLibrary implements HttpLibrary {
  constructor(
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  send(request: RequestContext): Observable<ResponseContext> {
    return new Observable(this.#send(request));
  }

  async #send(request: RequestContext): Promise<ResponseContext> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signals = [timeout, this.signal, request.getSignal()].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    request.setSignal(AbortSignal.any(signals));
    const fail = (error: unknown): never => {
      if (timeout.aborted && !this.signal?.aborted) {
        throw kubernetesTimeoutError(
          request.getUrl(),
          request.getHttpMethod().toString(),
          this.timeoutMs,
        );
      }
      throw error;
    };
    try {
      const response = await fetchLibrary.send(request).toPromise();
      const { body } = response;
      return new ResponseContext(response.httpStatusCode, response.headers, {
        text: () => body.text().catch(fail),
        binary: () => body.binary().catch(fail),
      });
    } catch (error) {
      return fail(error);
    }
  }
}

/**
 * Per-call options for the generated API clients: each request has `timeoutMs` (the configured
 * `upgradeWaves.timeouts.kubernetesMs`) and is tied to the caller's signal, so a check that times out (or a
 * wave that halts) does not leave requests running, and a server that never answers does not hang a wave.
 */
export function callOptions(
  signal?: AbortSignal,
  timeoutMs: number = DEFAULT_TIMEOUTS.kubernetesMs,
): ConfigurationOptions {
  return { httpApi: new TimedHttpLibrary(timeoutMs, signal) };
}

/** The HTTP status of a failed API call, when it got an answer. */
export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) {
    return error.code;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

/**
 * A short description of a failed call: the message of the API server's Status object when there is one
 * (ApiException's own message also carries the response headers, which do not belong in a check report).
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        message = JSON.parse(body)?.message;
      } catch {
        message = body.trim().slice(0, 200) || undefined;
      }
    } else if (body && typeof body === 'object') {
      message = (body as { message?: string }).message;
    }
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** True when the error comes from an aborted signal: the caller's timeout, not the cluster's answer. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return (
    Boolean(signal?.aborted) ||
    (error instanceof Error &&
      (error.name === 'AbortError' ||
        (error as { type?: string }).type === 'aborted'))
  );
}

/**
 * GET of a non-resource path (`/readyz`) with the KubeConfig's credentials and TLS settings. The generated
 * clients only know resource paths, and `fetch` would drop the agent that carries the cluster's CA.
 */
export async function getRaw(
  kc: KubeConfig,
  path: string,
  signal?: AbortSignal,
  timeoutMs: number = DEFAULT_TIMEOUTS.kubernetesMs,
): Promise<{ status: number; body: string }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('The kubeconfig has no current cluster');
  }
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}${path}`);
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const request = url.protocol === 'http:' ? http.request : https.request;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any(signal ? [signal, timeout] : [timeout]);
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(
        timeout.aborted && !signal?.aborted
          ? kubernetesTimeoutError(url, 'GET', timeoutMs)
          : error,
      );
    const req = request(
      url,
      { ...options, method: 'GET', signal: combined },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Health endpoints answer a few bytes; keep enough of anything else to explain it.
          if (size < 64 * 1024) {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** Follows `continue` tokens so large clusters are read in pages rather than one huge response. */
export async function listAll<T>(
  page: (
    cont: string | undefined,
  ) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  do {
    const list = await page(cont);
    items.push(...list.items);
    cont = list.metadata?._continue || undefined;
  } while (cont);
  return items;
}

/** Page size for cluster-wide lists. */
export const PAGE_SIZE = 500;

/**
 * The version in an image reference's tag: `docker.io/istio/proxyv2:1.22.3-distroless` → `1.22.3`.
 * Undefined for untagged (digest-only) references.
 */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) {
    return undefined;
  }
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  // Istio publishes variants of each release as tag suffixes.
  return lastSegment.slice(colon + 1).replace(/-(distroless|debug)$/, '');
}
