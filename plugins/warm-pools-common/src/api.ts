import { ResponseError } from '@backstage/errors';
import type {
  PoolDetail,
  PoolHistory,
  PoolId,
  PoolPod,
  PoolSummary,
} from './types';

/**
 * The warm-pools REST API (see the backend's `src/schema/openapi.yaml`).
 *
 * @public
 */
export interface WarmPoolsApi {
  listPools(): Promise<PoolSummary[]>;
  getPool(id: PoolId): Promise<PoolDetail>;
  listPods(id: PoolId): Promise<PoolPod[]>;
  /** Points between `from` and `to` (ISO times; the last hour by default). */
  getHistory(
    id: PoolId,
    options?: { from?: string; to?: string },
  ): Promise<PoolHistory>;
  /** Deletes a pod of the pool through the Kubernetes API; the provisioner then heals the pool. */
  terminatePod(id: PoolId, pod: string): Promise<void>;
}

/**
 * HTTP client of the warm-pools backend, for the browser and for backend callers.
 *
 * @public
 */
export class WarmPoolsClient implements WarmPoolsApi {
  private readonly discovery: { getBaseUrl(pluginId: string): Promise<string> };
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discovery = options.discoveryApi;
    this.fetchFn = options.fetchApi?.fetch ?? fetch;
  }

  async listPools() {
    return (await this.request<{ pools: PoolSummary[] }>('GET', '/pools'))
      .pools;
  }

  getPool(id: PoolId) {
    return this.request<PoolDetail>('GET', poolPath(id));
  }

  async listPods(id: PoolId) {
    return (
      await this.request<{ pods: PoolPod[] }>('GET', `${poolPath(id)}/pods`)
    ).pods;
  }

  getHistory(id: PoolId, options: { from?: string; to?: string } = {}) {
    const query = new URLSearchParams();
    if (options.from) query.set('from', options.from);
    if (options.to) query.set('to', options.to);
    const qs = query.toString();
    return this.request<PoolHistory>(
      'GET',
      `${poolPath(id)}/history${qs ? `?${qs}` : ''}`,
    );
  }

  async terminatePod(id: PoolId, pod: string) {
    await this.request<unknown>(
      'POST',
      `${poolPath(id)}/pods/${encodeURIComponent(pod)}/terminate`,
      {},
    );
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('warm-pools');
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}

/** `/pools/{cluster}/{namespace}/{pool}`, each part encoded. */
function poolPath(id: PoolId): string {
  return `/pools/${id.split('/').map(encodeURIComponent).join('/')}`;
}
