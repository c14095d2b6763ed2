import {
  InfoCard,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  KeyFamilyStats,
  SessionStoreStats,
} from '@fleetdeck/plugin-sentinel-common';
import { formatCount, formatTtl } from '../format';

function ttlColumn(
  title: string,
  pick: (ttl: NonNullable<KeyFamilyStats['ttlSeconds']>) => number,
): TableColumn<KeyFamilyStats> {
  return {
    title,
    type: 'numeric',
    render: family =>
      family.ttlSeconds ? formatTtl(pick(family.ttlSeconds)) : '—',
  };
}

const columns: TableColumn<KeyFamilyStats>[] = [
  {
    title: 'Key family',
    field: 'prefix',
    highlight: true,
    render: family => `${family.prefix}*`,
  },
  {
    title: 'Estimated keys',
    field: 'estimated',
    type: 'numeric',
    render: family => formatCount(family.estimated),
  },
  {
    title: 'Sampled',
    field: 'sampled',
    type: 'numeric',
    render: family => formatCount(family.sampled),
  },
  ttlColumn('TTL p50', ttl => ttl.p50),
  ttlColumn('TTL p90', ttl => ttl.p90),
  ttlColumn('TTL max', ttl => ttl.max),
  {
    title: 'Without TTL',
    field: 'withoutTtl',
    type: 'numeric',
    // Keys in a session store that never expire pile up; worth a look.
    render: family =>
      family.withoutTtl > 0 ? (
        <StatusWarning>{formatCount(family.withoutTtl)}</StatusWarning>
      ) : (
        '0'
      ),
  },
];

/** The shape of a group's session store: each key family's estimated size and TTL spread, from a sample. */
export function SessionStoreTable(props: { stats: SessionStoreStats | null }) {
  const { stats } = props;
  if (!stats) {
    return (
      <InfoCard title="Session store">
        <Typography variant="body2" color="textSecondary">
          No session-store sample for this group yet: sampling is off
          (sentinel.sessionStore.enabled in the backend&apos;s config) or has
          not run.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Table<KeyFamilyStats>
      title="Session store"
      subtitle={`${formatCount(stats.sampledKeys)} of ${formatCount(
        stats.dbSize,
      )} keys sampled on ${stats.node} at ${formatTime(
        stats.at,
      )}, ${formatCount(stats.commands)} commands`}
      columns={columns}
      // material-table writes bookkeeping into the rows it is given, so it gets copies.
      data={stats.families.map(family => ({ ...family }))}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}
