import { ReactNode } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { formatTime } from '@fleetdeck/frontend-common';
import type { Wave } from '@fleetdeck/plugin-upgrade-waves-common';
import { waveRouteRef } from '../../routes';
import { actorName } from '../actorName';
import { WaveStatusChip } from '../StatusChip';

/**
 * The link to a wave's page, when the app has mounted the plugin's pages; an entity tab works without them.
 */
export function useWaveLink(): ((waveId: string) => string) | undefined {
  try {
    const link = useRouteRef(waveRouteRef);
    return waveId => link({ waveId });
  } catch {
    return undefined;
  }
}

/** How a wave is named in links and lists: `test → 1.23.0`. */
export function waveName(wave: Pick<Wave, 'batchId' | 'targetVersion'>) {
  return `${wave.batchId} → ${wave.targetVersion}`;
}

/** A wave's name, linked to its page when there is one. */
export function WaveLink(props: { wave: Wave }) {
  const { wave } = props;
  const waveLink = useWaveLink();
  if (!waveLink) return <>{waveName(wave)}</>;
  return <Link to={waveLink(wave.id)}>{waveName(wave)}</Link>;
}

/** The waves newest first (by when they were started). */
export function newestWavesFirst(waves: Wave[]): Wave[] {
  return [...waves].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const columns: TableColumn<Wave>[] = [
  {
    title: 'Wave',
    field: 'id',
    highlight: true,
    render: wave => <WaveLink wave={wave} />,
  },
  {
    title: 'Status',
    field: 'status',
    render: wave => (
      <WaveStatusChip status={wave.status} paused={wave.paused} />
    ),
  },
  { title: 'Batch', field: 'batchId' },
  { title: 'Target version', field: 'targetVersion' },
  {
    title: 'Started by',
    field: 'createdBy',
    render: w => actorName(w.createdBy),
  },
  {
    title: 'Started at',
    field: 'createdAt',
    render: wave => formatTime(wave.createdAt),
  },
];

/**
 * Waves in a table, each linked to its page, in the order given; paged beyond 20 rows. `emptyContent` is shown in
 * the table when there is none.
 */
export function WavesTable(props: {
  title: string;
  waves: Wave[];
  emptyContent?: ReactNode;
}) {
  const { title, waves, emptyContent } = props;
  return (
    <Table<Wave>
      title={title}
      columns={columns}
      // material-table writes its bookkeeping into the rows it is given, so it gets copies.
      data={waves.map(wave => ({ ...wave }))}
      emptyContent={emptyContent}
      options={{
        paging: waves.length > 20,
        pageSize: 20,
        search: false,
        emptyRowsWhenPaging: false,
      }}
    />
  );
}
