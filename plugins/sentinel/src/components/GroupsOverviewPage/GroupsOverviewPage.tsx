import {
  Content,
  EmptyState,
  Header,
  Link,
  Page,
  StatusAborted,
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useInterval from 'react-use/esm/useInterval';
import {
  ResourceView,
  describeError,
  formatTime,
  useResource,
} from '@fleetdeck/frontend-common';
import { SentinelGroupSummary } from '@fleetdeck/plugin-sentinel-common';
import { sentinelApiRef } from '../../api';
import { FALLBACK_REFRESH_MS } from '../../hooks/useGroupUpdates';
import { groupRouteRef } from '../../routes';
import { GroupHealthChip } from '../GroupHealthChip';

/** The newest failover of a group, loaded per row: the group list does not carry it. */
function LastFailover(props: { group: string }) {
  const { group } = props;
  const api = useApi(sentinelApiRef);
  const failovers = useResource(group, () =>
    api.listFailovers(group, { limit: 1 }),
  );
  if (failovers.value) {
    const [last] = failovers.value;
    if (!last) return <>none recorded</>;
    return (
      <>
        {formatTime(last.startedAt)}
        <Typography variant="caption" display="block" color="textSecondary">
          {last.trigger}, {last.status}
        </Typography>
      </>
    );
  }
  if (failovers.error) {
    return (
      <span title={describeError(failovers.error)}>
        <StatusError>unavailable</StatusError>
      </span>
    );
  }
  return <>…</>;
}

function QuorumCell(props: { group: SentinelGroupSummary }) {
  const { quorum } = props.group.topology;
  if (!quorum) return <StatusAborted>unknown</StatusAborted>;
  return quorum.ok ? (
    <StatusOK>ok</StatusOK>
  ) : (
    <StatusError>not reached</StatusError>
  );
}

function replicasText(group: SentinelGroupSummary): string {
  const { replicas } = group.topology;
  const down = replicas.filter(
    r => !r.reachable || r.linkStatus === 'down',
  ).length;
  return down ? `${replicas.length} (${down} down)` : `${replicas.length}`;
}

function useColumns(): TableColumn<SentinelGroupSummary>[] {
  const groupLink = useRouteRef(groupRouteRef);
  return [
    {
      title: 'Group',
      field: 'name',
      highlight: true,
      render: group => (
        <>
          <Link to={groupLink({ group: group.name })}>{group.name}</Link>
          <Typography variant="caption" display="block" color="textSecondary">
            {group.masterName}
          </Typography>
        </>
      ),
    },
    {
      title: 'Health',
      field: 'topology.health',
      render: group => <GroupHealthChip health={group.topology.health} />,
    },
    {
      title: 'Master',
      field: 'topology.master.address',
      render: group => group.topology.master?.address ?? '—',
    },
    {
      title: 'Replicas',
      render: replicasText,
    },
    {
      title: 'Sentinels reachable',
      render: group =>
        `${group.topology.sentinels.filter(s => s.reachable).length}/${
          group.topology.sentinels.length
        }`,
    },
    {
      title: 'Quorum',
      render: group => <QuorumCell group={group} />,
    },
    {
      title: 'Last failover',
      render: group => <LastFailover group={group.name} />,
    },
  ];
}

/** Every configured Sentinel group with its health, master, replicas, sentinels, quorum and last failover. */
export function GroupsOverview() {
  const api = useApi(sentinelApiRef);
  const groups = useResource('groups', () => api.listGroups());
  const columns = useColumns();
  useInterval(groups.refresh, FALLBACK_REFRESH_MS);

  return (
    <ResourceView resource={groups}>
      {value =>
        value.length === 0 ? (
          <EmptyState
            missing="data"
            title="No Sentinel groups configured"
            description="Add groups under sentinel.groups in the backend's app-config (name, masterName, sentinels); they appear here once the backend monitors them."
          />
        ) : (
          <Table<SentinelGroupSummary>
            title={`Sentinel groups (${value.length})`}
            columns={columns}
            // material-table writes bookkeeping into the rows it is given, so it gets copies.
            data={value.map(group => ({ ...group }))}
            options={{ paging: false, search: value.length > 10 }}
          />
        )
      }
    </ResourceView>
  );
}

/** The plugin's landing page. */
export function GroupsOverviewPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Redis Sentinel"
        subtitle="Sentinel groups: topology, failovers, replication lag and session-store shape"
      />
      <Content>
        <GroupsOverview />
      </Content>
    </Page>
  );
}
