import { Table, TableColumn } from '@backstage/core-components';
import {
  DurationSummary,
  SessionStartLatency,
} from '@fleetdeck/plugin-warm-pools-common';
import { formatMaybeDuration } from '../format';

interface Row extends DurationSummary {
  start: string;
}

const columns: TableColumn<Row>[] = [
  { title: 'Start', field: 'start', highlight: true },
  { title: 'Sessions', field: 'count', type: 'numeric' },
  { title: 'p50', render: row => formatMaybeDuration(row.p50Ms) },
  { title: 'p90', render: row => formatMaybeDuration(row.p90Ms) },
  { title: 'p99', render: row => formatMaybeDuration(row.p99Ms) },
];

/**
 * Session start latency, warm against on demand: the gap between them is what the pool buys.
 */
export function SessionStartLatencyTable(props: {
  latency: SessionStartLatency;
}) {
  const { latency } = props;
  return (
    <Table<Row>
      title="Session start latency"
      subtitle="From a session’s arrival to its pod being Ready"
      columns={columns}
      data={[
        { start: 'warm pod', ...latency.warm },
        { start: 'on demand', ...latency.onDemand },
      ]}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}
