import {
  CodeSnippet,
  Content,
  EmptyState,
  Header,
  Link,
  Page,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ResourceView, formatTime } from '@fleetdeck/frontend-common';
import { PoolSummary } from '@fleetdeck/plugin-warm-pools-common';
import { useLivePools } from '../../hooks/useLivePools';
import { poolRouteRef } from '../../routes';
import { LiveUpdatesNote } from '../LiveUpdatesNote';
import { PoolHealthChip, readyText } from '../PoolHealthChip';
import { StaleBanner } from '../StaleBanner';

const exampleConfig = `kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: prod-eu-1
          url: https://prod-eu-1.example.com:6443
          authProvider: serviceAccount
          serviceAccountToken: \${K8S_PROD_EU_1_TOKEN}
warmPools:
  # optional: the label keys, if the provisioner uses others
  labels: { pool: pool, assigned: assigned, sessionId: session-id }
  # optional: a pool's target size, if its provisioner has no
  # fleetdeck.io/warm-pool-target annotation
  targets:
    - { cluster: prod-eu-1, namespace: sessions, pool: warm, size: 4 }`;

/** What to do when the backend finds no pool. */
function NoPools() {
  return (
    <EmptyState
      missing="data"
      title="No warm pools found"
      description="The backend looks for pools on the clusters listed under kubernetes.clusterLocatorMethods in app-config. A pool is the pods labelled pool=<name>: assigned=false while they wait warm, assigned=true and session-id=<id> once handed to a session (label keys configurable under warmPools.labels). Pools appear here as soon as such pods exist."
      action={
        <Box maxWidth={640}>
          <CodeSnippet
            language="yaml"
            text={exampleConfig}
            showCopyCodeButton
          />
        </Box>
      }
    />
  );
}

function SyncCell(props: { pool: PoolSummary }) {
  const { pool } = props;
  if (!pool.stale) return <StatusOK>live</StatusOK>;
  return (
    <>
      <StatusWarning>stale</StatusWarning>
      <Typography variant="caption" display="block" color="textSecondary">
        {pool.lastSyncedAt
          ? `since ${formatTime(pool.lastSyncedAt)}`
          : 'never in sync'}
      </Typography>
    </>
  );
}

function useColumns(): TableColumn<PoolSummary>[] {
  const poolLink = useRouteRef(poolRouteRef);
  return [
    { title: 'Cluster', field: 'cluster' },
    { title: 'Namespace', field: 'namespace' },
    {
      title: 'Pool',
      field: 'pool',
      highlight: true,
      render: pool => (
        <Link
          to={poolLink({
            cluster: pool.cluster,
            namespace: pool.namespace,
            pool: pool.pool,
          })}
        >
          {pool.pool}
        </Link>
      ),
    },
    {
      title: 'Warm ready / target',
      field: 'warmReady',
      render: pool => (
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <span>{readyText(pool)}</span>
          <PoolHealthChip pool={pool} />
        </Box>
      ),
    },
    { title: 'Pending', field: 'warmPending', type: 'numeric' },
    { title: 'Assigned', field: 'assigned', type: 'numeric' },
    { title: 'On-demand', field: 'onDemandSessions', type: 'numeric' },
    {
      title: 'Empty today',
      field: 'emptyEventsToday',
      type: 'numeric',
    },
    { title: 'Sync', field: 'stale', render: pool => <SyncCell pool={pool} /> },
  ];
}

/** Every pool across the clusters, live. */
export function PoolsOverview() {
  const { pools, live } = useLivePools();
  const columns = useColumns();

  return (
    <ResourceView resource={pools}>
      {value =>
        value.length === 0 ? (
          <NoPools />
        ) : (
          <>
            <StaleBanner pools={value} />
            <LiveUpdatesNote live={live} />
            <Table<PoolSummary>
              title={`Warm pools (${value.length})`}
              columns={columns}
              // material-table writes its bookkeeping into the rows it is given, so it gets copies.
              data={value.map(pool => ({ ...pool }))}
              options={{ paging: false, search: value.length > 10 }}
            />
          </>
        )
      }
    </ResourceView>
  );
}

/** The plugin's landing page. */
export function PoolsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Warm Pools"
        subtitle="Pods kept warm for sessions, across the clusters: readiness, assignments and the moments a pool ran empty"
      />
      <Content>
        <PoolsOverview />
      </Content>
    </Page>
  );
}
