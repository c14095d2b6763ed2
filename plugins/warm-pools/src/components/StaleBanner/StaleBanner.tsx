import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { formatTime } from '@fleetdeck/frontend-common';
import { PoolSnapshot } from '@fleetdeck/plugin-warm-pools-common';

type Stale = Pick<PoolSnapshot, 'cluster' | 'stale' | 'lastSyncedAt'>;

function lastSynced(pool: Stale): string {
  return pool.lastSyncedAt
    ? `last in sync at ${formatTime(pool.lastSyncedAt)}`
    : 'not in sync since the backend started';
}

/**
 * Says which clusters' watches are down, and since when, so that nobody takes their pools' last known numbers for
 * live ones. Nothing when every pool is in sync.
 */
export function StaleBanner(props: { pools: Stale[] }) {
  const byCluster = new Map<string, Stale>();
  for (const pool of props.pools) {
    if (pool.stale && !byCluster.has(pool.cluster)) {
      byCluster.set(pool.cluster, pool);
    }
  }
  if (byCluster.size === 0) return null;
  const clusters = [...byCluster.values()];
  return (
    <Alert severity="warning" role="alert">
      <AlertTitle>
        {clusters.length === 1
          ? 'Out of sync with its cluster: these are the last known numbers'
          : 'Out of sync with some clusters: their pools show the last known numbers'}
      </AlertTitle>
      {clusters.map(pool => (
        <div key={pool.cluster}>
          The watch on cluster {pool.cluster} is down; {lastSynced(pool)}.
        </div>
      ))}
    </Alert>
  );
}
