import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  PoolDetail,
  PoolHistory,
  PoolId,
  PoolPod,
  PoolRef,
  PoolSummary,
  poolIdOf,
} from '@fleetdeck/plugin-warm-pools-common';
import { CoreV1Api, Observable } from '@kubernetes/client-node';
import type { PoolHistoryStore } from '../database/PoolHistoryStore';
import { historyStepSeconds } from '../history/historyStep';
import { adviseSize } from '../sizing/sizingAdvice';
import type { PoolTracker } from '../tracker/PoolTracker';

/** The range of a history request when it names neither end. */
const DEFAULT_HISTORY_MS = 3600 * 1000;

export interface WarmPoolsServiceOptions {
  tracker: PoolTracker;
  store: PoolHistoryStore;
  logger: LoggerService;
  emptyProbabilityTarget: number;
  historyIntervalSeconds: number;
  /** How long the API server may take to delete a pod; 30 000 ms by default. */
  requestTimeoutMs?: number;
  now?: () => number;
}

/** The warm-pools domain behind the routes: no HTTP here, no SQL. */
export class WarmPoolsService {
  private readonly now: () => number;

  constructor(private readonly options: WarmPoolsServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  listPools(): PoolSummary[] {
    return this.options.tracker.summaries();
  }

  getPool(ref: PoolRef): PoolDetail {
    const id = poolIdOf(ref);
    const { tracker } = this.options;
    const detail = tracker.detail(id);
    const evidence = tracker.sizingEvidence(id);
    if (!detail || !evidence) throw unknownPool(id);
    return {
      ...detail,
      advice: adviseSize(evidence, this.options.emptyProbabilityTarget),
    };
  }

  listPods(ref: PoolRef): PoolPod[] {
    const id = poolIdOf(ref);
    if (!this.options.tracker.has(id)) throw unknownPool(id);
    return this.options.tracker.pods(id);
  }

  /** Points between `from` (default: an hour before `to`) and `to` (default: now). */
  async history(
    ref: PoolRef,
    range: { from?: Date; to?: Date },
  ): Promise<PoolHistory> {
    const id = poolIdOf(ref);
    const toMs = range.to?.getTime() ?? this.now();
    const fromMs = range.from?.getTime() ?? toMs - DEFAULT_HISTORY_MS;
    if (fromMs >= toMs) {
      throw new InputError(
        `from: must be before to (from ${new Date(
          fromMs,
        ).toISOString()}, to ${new Date(toMs).toISOString()})`,
      );
    }
    if (
      !this.options.tracker.has(id) &&
      !(await this.options.store.hasPool(id))
    ) {
      throw unknownPool(id);
    }
    const stepSeconds = historyStepSeconds(
      toMs - fromMs,
      this.options.historyIntervalSeconds,
    );
    return {
      id,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      stepSeconds,
      points: await this.options.store.points(id, {
        fromMs,
        toMs,
        stepSeconds,
      }),
    };
  }

  /**
   * Deletes a pod of the pool through the cluster's API; the provisioner (its Job, or its replenisher) then heals
   * the pool, which the dashboard shows through the watch.
   */
  async terminatePod(
    ref: PoolRef,
    podName: string,
    actor: string,
  ): Promise<{ pod: string }> {
    const id = poolIdOf(ref);
    const { tracker, logger } = this.options;
    if (!tracker.has(id)) throw unknownPool(id);
    if (!tracker.pods(id).some(p => p.name === podName)) {
      throw new NotFoundError(`pod ${podName} is not a pod of pool ${id}`);
    }
    const kubeConfig = tracker.kubeConfigOf(ref.cluster);
    if (!kubeConfig) throw unknownPool(id);
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      await kubeConfig.makeApiClient(CoreV1Api).deleteNamespacedPod(
        { name: podName, namespace: ref.namespace },
        {
          // an API server that never answers must not hold the request (and the person) forever
          middleware: [
            {
              pre: context => {
                context.setSignal(timeout);
                return new Observable(Promise.resolve(context));
              },
              post: context => new Observable(Promise.resolve(context)),
            },
          ],
          middlewareMergeStrategy: 'append',
        },
      );
    } catch (error) {
      if (timeout.aborted) {
        throw new ServiceUnavailableError(
          `cluster ${ref.cluster} did not delete pod ${podName} within ${timeoutMs} ms`,
        );
      }
      const code = (error as { code?: unknown }).code;
      if (code === 404) {
        throw new NotFoundError(
          `pod ${podName} is already gone from ${ref.cluster}/${ref.namespace}`,
        );
      }
      logger.warn(
        `${actor} could not terminate pod ${podName} of pool ${id}: ${describe(
          error,
        )}`,
      );
      throw new ServiceUnavailableError(
        `cluster ${ref.cluster} did not delete pod ${podName}: ${describe(
          error,
        )}`,
      );
    }
    logger.info(`${actor} terminated pod ${podName} of pool ${id}`);
    return { pod: podName };
  }
}

function unknownPool(id: PoolId): NotFoundError {
  return new NotFoundError(`no warm pool ${id}`);
}

/** Status code and the API's message of a client-node error, leaving out its headers. */
function describe(error: unknown): string {
  const e = error as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof e?.code !== 'number') {
    return typeof e?.message === 'string' ? e.message : String(error);
  }
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // A body that is not a Status object says nothing more.
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string'
    ? `HTTP ${e.code}: ${message}`
    : `HTTP ${e.code}`;
}
