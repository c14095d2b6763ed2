import { memo, useMemo } from 'react';
import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { formatDuration } from '@fleetdeck/frontend-common';
import {
  Batch,
  Cluster,
  CLUSTER_STATUSES,
  ClusterStatus,
  Wave,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { ClusterStatusChip, WaveStatusChip } from '../StatusChip';
import { newestFirst } from '../versions';
import { WaveLink } from '../WavesTable';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';

/** Clusters per page of a batch's table: a batch of hundreds renders ten rows at a time. */
export const CLUSTERS_PAGE_SIZE = 10;

/** How far a batch is on the newest version one of its clusters runs. */
export interface BatchProgress {
  version: string;
  done: number;
  total: number;
  percent: number;
  /** e.g. `1.23.0: 1 of 2 clusters (50 %)`. */
  text: string;
}

/** The batch's progress on its newest version; undefined for a batch without clusters. */
export function batchProgress(batch: Batch): BatchProgress | undefined {
  const total = batch.clusters.length;
  const [version] = newestFirst(Object.keys(batch.versions));
  if (total === 0 || version === undefined) return undefined;
  const done = batch.versions[version] ?? 0;
  const percent = Math.round((done / total) * 100);
  return {
    version,
    done,
    total,
    percent,
    text: `${version}: ${done} of ${total} cluster${
      total === 1 ? '' : 's'
    } (${percent} %)`,
  };
}

/** How many of the clusters are in each status, in the order of the states. */
export function statusCounts(
  clusters: Cluster[],
): Array<{ status: ClusterStatus; count: number }> {
  const counts = new Map<ClusterStatus, number>();
  for (const c of clusters)
    counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return CLUSTER_STATUSES.filter(s => counts.has(s)).map(status => ({
    status,
    count: counts.get(status) ?? 0,
  }));
}

const columns: TableColumn<Cluster>[] = [
  { title: 'Name', field: 'name', highlight: true },
  { title: 'Environment', field: 'environment' },
  { title: 'Region', field: 'region' },
  { title: 'Istio version', field: 'istioVersion' },
  {
    title: 'Status',
    field: 'status',
    render: c => <ClusterStatusChip status={c.status} />,
  },
  {
    title: 'Owners',
    field: 'owners',
    render: c => <EntityRefLinks entityRefs={c.owners} defaultKind="group" />,
    customFilterAndSearch: (term: string, c: Cluster) =>
      c.owners.some(o =>
        o.toLocaleLowerCase('en-US').includes(term.toLocaleLowerCase('en-US')),
      ),
  },
];

/** The batch's clusters, a page at a time, searchable. */
function ClustersTable(props: { clusters: Cluster[] }) {
  const { clusters } = props;
  // material-table writes its bookkeeping into the rows it is given, so it gets copies; made once per fetch.
  const rows = useMemo(() => clusters.map(c => ({ ...c })), [clusters]);
  return (
    <Table<Cluster>
      title={`Clusters (${clusters.length})`}
      columns={columns}
      data={rows}
      options={{
        paging: true,
        pageSize: CLUSTERS_PAGE_SIZE,
        pageSizeOptions: [10, 25, 50],
        search: true,
        padding: 'dense',
        emptyRowsWhenPaging: false,
      }}
    />
  );
}

/**
 * One batch of the fleet: its place in rollout order, soak, how far it is on its newest Istio version, its
 * versions and cluster states, its active wave, and its clusters.
 */
export const BatchCard = memo(function BatchCardView(props: {
  batch: Batch;
  /** 1 for the first batch in rollout order. */
  position: number;
  batchCount: number;
  activeWave?: Wave;
}) {
  const { batch, position, batchCount, activeWave } = props;
  const progress = useMemo(() => batchProgress(batch), [batch]);
  const versions = useMemo(
    () =>
      newestFirst(Object.keys(batch.versions)).map(version => ({
        version,
        count: batch.versions[version],
      })),
    [batch.versions],
  );
  const statuses = useMemo(
    () => statusCounts(batch.clusters),
    [batch.clusters],
  );

  return (
    <section aria-label={`Batch ${batch.batchId}`}>
      <InfoCard
        title={batch.batchId}
        titleTypographyProps={{ component: 'h2' }}
        subheader={`${position} of ${batchCount} in rollout order · soak ${formatDuration(
          batch.soakSeconds * 1000,
        )}`}
      >
        {progress ? (
          <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
            <Box>
              <Typography variant="body2">{progress.text}</Typography>
              <LinearProgress
                variant="determinate"
                value={progress.percent}
                aria-label={`${batch.batchId} on ${progress.text}`}
              />
            </Box>
            <Box
              display="flex"
              flexWrap="wrap"
              alignItems="center"
              style={{ gap: 8 }}
            >
              <Typography variant="body2" color="textSecondary">
                Versions
              </Typography>
              {versions.map(v => (
                <Chip
                  key={v.version}
                  size="small"
                  variant="outlined"
                  label={`${v.version} × ${v.count}`}
                />
              ))}
              <Typography variant="body2" color="textSecondary">
                States
              </Typography>
              {statuses.map(s => (
                <Box
                  key={s.status}
                  component="span"
                  display="inline-flex"
                  alignItems="center"
                  style={{ gap: 4 }}
                >
                  <ClusterStatusChip status={s.status} />
                  <Typography variant="body2" component="span">
                    × {s.count}
                  </Typography>
                </Box>
              ))}
            </Box>
            {activeWave && (
              <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                <Typography variant="body2">Active wave:</Typography>
                <WaveLink wave={activeWave} />
                <WaveStatusChip
                  status={activeWave.status}
                  paused={activeWave.paused}
                />
              </Box>
            )}
            <ClustersTable clusters={batch.clusters} />
          </Box>
        ) : (
          <Typography color="textSecondary">
            No clusters in this batch yet. Clusters join it when they are
            registered with batchId {batch.batchId}.
          </Typography>
        )}
      </InfoCard>
    </section>
  );
});
