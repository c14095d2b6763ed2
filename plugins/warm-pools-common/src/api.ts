import { PluginClientOptions, PluginRequester } from '@fleetdeck/common';
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
  private readonly http: PluginRequester;

  constructor(options: PluginClientOptions) {
    this.http = new PluginRequester('warm-pools', options);
  }

  async listPools() {
    return (await this.http.request<{ pools: PoolSummary[] }>('GET', '/pools'))
      .pools;
  }

  getPool(id: PoolId) {
    return this.http.request<PoolDetail>('GET', poolPath(id));
  }

  async listPods(id: PoolId) {
    return (
      await this.http.request<{ pods: PoolPod[] }>(
        'GET',
        `${poolPath(id)}/pods`,
      )
    ).pods;
  }

  getHistory(id: PoolId, options: { from?: string; to?: string } = {}) {
    const query = new URLSearchParams();
    if (options.from) query.set('from', options.from);
    if (options.to) query.set('to', options.to);
    const qs = query.toString();
    return this.http.request<PoolHistory>(
      'GET',
      `${poolPath(id)}/history${qs ? `?${qs}` : ''}`,
    );
  }

  async terminatePod(id: PoolId, pod: string) {
    await this.http.request<unknown>(
      'POST',
      `${poolPath(id)}/pods/${encodeURIComponent(pod)}/terminate`,
      {},
    );
  }
}

/** `/pools/{cluster}/{namespace}/{pool}`, each part encoded. */
function poolPath(id: PoolId): string {
  return `/pools/${id.split('/').map(encodeURIComponent).join('/')}`;
}
