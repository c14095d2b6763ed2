import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Table, TableColumn } from '@backstage/core-components';
import { formatDuration } from '@fleetdeck/frontend-common';
import { WaveCluster } from '@fleetdeck/plugin-upgrade-waves-common';
import { useNow } from '../../hooks/useNow';
import { ClusterStatusChip } from '../StatusChip';

/** Clusters shown per page before the table pages and offers a search. */
const PAGE_SIZE = 20;

/** How long the cluster has been in its state; ticks once a second on its own. */
function TimeInState(props: { since: string }) {
  const now = useNow();
  const ms = Math.max(0, now - Date.parse(props.since));
  return <>{formatDuration(Math.floor(ms / 1000) * 1000)}</>;
}

/** "3 of 8 workloads" with a bar, while the cluster's workloads restart onto the new sidecar. */
export function RestartProgress(props: {
  restart: NonNullable<WaveCluster['restart']>;
}) {
  const { done, total } = props.restart;
  const text = `${done} of ${total} workloads`;
  return (
    <Box minWidth={140}>
      <Typography variant="body2">{text}</Typography>
      <LinearProgress
        variant="determinate"
        value={total > 0 ? (done / total) * 100 : 100}
        aria-label={`Restarted ${text}`}
      />
    </Box>
  );
}

const columns: TableColumn<WaveCluster>[] = [
  { title: 'Cluster', field: 'name', highlight: true },
  {
    title: 'State',
    field: 'status',
    render: row => <ClusterStatusChip status={row.status} />,
  },
  {
    title: 'Time in state',
    field: 'statusSince',
    render: row => <TimeInState since={row.statusSince} />,
  },
  {
    title: 'Restarts',
    sorting: false,
    render: row =>
      row.restart ? (
        <RestartProgress restart={row.restart} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          —
        </Typography>
      ),
  },
  { title: 'Message', field: 'message', sorting: false },
];

/** The wave's clusters: state, time in it, restart progress and the orchestrator's last word on each. */
export function WaveClustersTable(props: { clusters: WaveCluster[] }) {
  const { clusters } = props;
  const many = clusters.length > PAGE_SIZE;
  return (
    <Table<WaveCluster>
      title={`Clusters (${clusters.length})`}
      columns={columns}
      data={clusters}
      options={{
        paging: many,
        pageSize: PAGE_SIZE,
        search: many,
        padding: 'dense',
        draggable: false,
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2" color="textSecondary">
            This wave has no clusters.
          </Typography>
        </Box>
      }
    />
  );
}
