import {
  InfoCard,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
  StructuredMetadataTable,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  GroupTopology,
  RedisNodeView,
  SentinelView,
} from '@fleetdeck/plugin-sentinel-common';
import { GroupProblems } from '../GroupProblems';
import { formatBytes, formatCount } from '../format';

/** Flags a sentinel sets on a master it cannot reach (subjectively / objectively down). */
const DOWN_FLAGS = ['s_down', 'o_down'];

function MasterStatus(props: { topology: GroupTopology }) {
  const { master } = props.topology;
  if (!master) return <StatusError>no master known</StatusError>;
  return master.reachable ? (
    <StatusOK>{master.address}</StatusOK>
  ) : (
    <StatusError>{master.address} (unreachable)</StatusError>
  );
}

function QuorumStatus(props: { topology: GroupTopology }) {
  const { quorum } = props.topology;
  if (!quorum) {
    return <StatusAborted>unknown: no sentinel answered</StatusAborted>;
  }
  const text = `${quorum.usable} usable, quorum ${quorum.quorum}`;
  return (
    <>
      {quorum.ok ? (
        <StatusOK>ok: {text}</StatusOK>
      ) : (
        <StatusError>not reached: {text}</StatusError>
      )}
      <Typography variant="caption" display="block" color="textSecondary">
        {quorum.message}
      </Typography>
    </>
  );
}

/** The master, quorum and sentinel agreement of a group. */
function MasterCard(props: { topology: GroupTopology }) {
  const { topology } = props;
  const reachable = topology.sentinels.filter(s => s.reachable).length;
  const metadata = {
    'Master name': topology.masterName,
    Master: <MasterStatus topology={topology} />,
    Quorum: <QuorumStatus topology={topology} />,
    Sentinels: `${reachable}/${topology.sentinels.length} reachable`,
    Agreement: topology.sentinelsAgree ? (
      <StatusOK>every reachable sentinel names the same master</StatusOK>
    ) : (
      <StatusWarning>the sentinels disagree on the master</StatusWarning>
    ),
    Updated: formatTime(topology.updatedAt),
  };
  return (
    <InfoCard title="Master and quorum">
      <StructuredMetadataTable
        metadata={metadata}
        options={{ titleFormat: key => key }}
      />
    </InfoCard>
  );
}

function LinkStatus(props: { replica: RedisNodeView }) {
  const { replica } = props;
  if (!replica.reachable) return <StatusError>unreachable</StatusError>;
  if (replica.linkStatus === 'up') return <StatusOK>up</StatusOK>;
  if (replica.linkStatus === 'down') return <StatusError>down</StatusError>;
  return <StatusAborted>unknown</StatusAborted>;
}

const replicaColumns: TableColumn<RedisNodeView>[] = [
  { title: 'Address', field: 'address', highlight: true },
  {
    title: 'Link',
    field: 'linkStatus',
    render: replica => <LinkStatus replica={replica} />,
  },
  {
    title: 'Lag (bytes)',
    field: 'lagBytes',
    type: 'numeric',
    render: replica =>
      replica.lagBytes === undefined ? '—' : formatBytes(replica.lagBytes),
  },
  {
    title: 'Lag (seconds)',
    field: 'lagSeconds',
    type: 'numeric',
    render: replica =>
      replica.lagSeconds === undefined
        ? '—'
        : `${replica.lagSeconds.toFixed(1)} s`,
  },
  {
    title: 'Offset',
    field: 'offset',
    type: 'numeric',
    render: replica =>
      replica.offset === undefined ? '—' : formatCount(replica.offset),
  },
];

function SentinelReachability(props: { sentinel: SentinelView }) {
  const { sentinel } = props;
  if (sentinel.reachable) return <StatusOK>reachable</StatusOK>;
  return (
    <>
      <StatusError>unreachable</StatusError>
      {sentinel.lastError && (
        <Typography variant="caption" display="block" color="textSecondary">
          {sentinel.lastError}
        </Typography>
      )}
      {sentinel.retryAt && (
        <Typography variant="caption" display="block" color="textSecondary">
          retry at {formatTime(sentinel.retryAt)}
        </Typography>
      )}
    </>
  );
}

function sentinelColumns(master?: string): TableColumn<SentinelView>[] {
  return [
    { title: 'Address', field: 'address', highlight: true },
    {
      title: 'Reachable',
      field: 'reachable',
      render: sentinel => <SentinelReachability sentinel={sentinel} />,
    },
    {
      title: 'Master it sees',
      field: 'master',
      render: sentinel => {
        if (!sentinel.master) return '—';
        return master && sentinel.master !== master ? (
          <StatusWarning>{sentinel.master} (differs)</StatusWarning>
        ) : (
          sentinel.master
        );
      },
    },
    {
      title: 'Flags on the master',
      field: 'masterFlags',
      render: sentinel => {
        const flags = sentinel.masterFlags ?? [];
        if (flags.length === 0) return '—';
        const text = flags.join(', ');
        return flags.some(flag => DOWN_FLAGS.includes(flag)) ? (
          <StatusWarning>{text}</StatusWarning>
        ) : (
          text
        );
      },
    },
  ];
}

/**
 * A group's topology: what is wrong with it, the master and quorum, the replicas with their lag and link, the
 * sentinels and their view.
 */
export function TopologyView(props: { topology: GroupTopology }) {
  const { topology } = props;
  // material-table writes bookkeeping into the rows it is given, so it gets copies.
  const replicas = topology.replicas.map(replica => ({ ...replica }));
  const sentinels = topology.sentinels.map(sentinel => ({ ...sentinel }));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <GroupProblems topology={topology} />
      </Grid>
      <Grid item xs={12} md={5}>
        <MasterCard topology={topology} />
      </Grid>
      <Grid item xs={12} md={7}>
        <Table<RedisNodeView>
          title={`Replicas (${replicas.length})`}
          columns={replicaColumns}
          data={replicas}
          options={{ paging: false, search: false, padding: 'dense' }}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              No replicas known.
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <Table<SentinelView>
          title={`Sentinels (${
            topology.sentinels.filter(s => s.reachable).length
          }/${sentinels.length} reachable)`}
          columns={sentinelColumns(topology.master?.address)}
          data={sentinels}
          options={{ paging: false, search: false, padding: 'dense' }}
        />
      </Grid>
    </Grid>
  );
}
