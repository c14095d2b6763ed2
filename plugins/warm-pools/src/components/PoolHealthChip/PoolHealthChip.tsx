import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import { PoolSnapshot } from '@fleetdeck/plugin-warm-pools-common';

/** How ready a pool is for the next session. */
export type PoolHealth = 'healthy' | 'low' | 'empty';

/**
 * `empty`: no warm pod is ready, the next session waits for an on-demand pod; `low`: fewer ready than the target;
 * `healthy`: at or above the target (or some ready, when no target is known).
 */
export function poolHealth(
  pool: Pick<PoolSnapshot, 'warmReady' | 'target'>,
): PoolHealth {
  if (pool.warmReady <= 0) return 'empty';
  if (pool.target !== undefined && pool.warmReady < pool.target) return 'low';
  return 'healthy';
}

const statusByHealth = {
  healthy: StatusOK,
  low: StatusWarning,
  empty: StatusError,
} as const;

/** "Ready vs target" in words: `3 / 4`, or `3` when no target is known. */
export function readyText(pool: Pick<PoolSnapshot, 'warmReady' | 'target'>) {
  return pool.target === undefined
    ? `${pool.warmReady} (no target)`
    : `${pool.warmReady} / ${pool.target}`;
}

/** A pool's health as a chip: healthy, low or empty. */
export function PoolHealthChip(props: {
  pool: Pick<PoolSnapshot, 'warmReady' | 'target'>;
}) {
  const health = poolHealth(props.pool);
  const Status = statusByHealth[health];
  return (
    <Chip size="small" variant="outlined" label={<Status>{health}</Status>} />
  );
}
