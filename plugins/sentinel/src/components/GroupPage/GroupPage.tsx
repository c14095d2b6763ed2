import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  HeaderLabel,
  InfoCard,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import {
  ResourceView,
  isNotFound,
  useResource,
} from '@fleetdeck/frontend-common';
import { sentinelApiRef } from '../../api';
import { useLiveGroup } from '../../hooks/useLiveGroup';
import { rootRouteRef } from '../../routes';
import { FailoverTimeline } from '../FailoverTimeline';
import { LagChart } from '../LagChart';
import { SessionStoreTable } from '../SessionStoreTable';
import { TopologyView } from '../TopologyView';
import { TriggerFailoverButton } from '../TriggerFailoverButton';

/** Failovers shown on the timeline. */
export const FAILOVER_LIMIT = 20;
/** The lag chart's window. */
export const LAG_WINDOW_MS = 60 * 60 * 1000;

/**
 * One Sentinel group: problems, topology, failover timeline, lag chart and session-store shape, kept current by the
 * group's signals, with the game-day failover button.
 */
export function GroupPage(props: { group: string }) {
  const { group } = props;
  const api = useApi(sentinelApiRef);
  const overviewLink = useRouteRef(rootRouteRef);

  const lag = useResource(group, () =>
    api.getLagHistory(group, {
      from: new Date(Date.now() - LAG_WINDOW_MS).toISOString(),
    }),
  );
  const sessionStore = useResource(group, () =>
    api.getSessionStoreStats(group),
  );
  // The lag chart grows with each topology signal; the session store only changes slowly.
  const { topology, failovers } = useLiveGroup(group, {
    failoverLimit: FAILOVER_LIMIT,
    also: {
      onTopology: lag.refresh,
      onFallback: () => {
        lag.refresh();
        sessionStore.refresh();
      },
    },
  });

  const header = (
    <Header
      title={group}
      subtitle={
        topology.value
          ? `Redis Sentinel group, master name ${topology.value.masterName}`
          : 'Redis Sentinel group'
      }
      type="Redis Sentinel"
      typeLink={overviewLink()}
    >
      {topology.value && (
        <HeaderLabel label="Health" value={topology.value.health} />
      )}
      {topology.value && (
        <HeaderLabel
          label="Master"
          value={topology.value.master?.address ?? 'none known'}
        />
      )}
    </Header>
  );

  if (!topology.value && isNotFound(topology.error)) {
    return (
      <Page themeId="tool">
        {header}
        <Content>
          <EmptyState
            missing="data"
            title={`No Sentinel group named ${group}`}
            description="The backend does not monitor a group of this name. Groups are configured under sentinel.groups."
            action={
              <LinkButton to={overviewLink()} variant="contained">
                All groups
              </LinkButton>
            }
          />
        </Content>
      </Page>
    );
  }

  return (
    <Page themeId="tool">
      {header}
      <Content>
        <ContentHeader title="Topology">
          <TriggerFailoverButton
            group={group}
            master={topology.value?.master?.address}
            onTriggered={() => {
              failovers.refresh();
              topology.refresh();
            }}
          />
        </ContentHeader>
        <ResourceView resource={topology}>
          {value => <TopologyView topology={value} />}
        </ResourceView>
        <Grid container spacing={3} style={{ marginTop: 8 }}>
          <Grid item xs={12}>
            <InfoCard
              title="Failovers"
              subheader={`The last ${FAILOVER_LIMIT}, newest first, each phase with the time until the next`}
            >
              <ResourceView resource={failovers}>
                {value => <FailoverTimeline failovers={value} />}
              </ResourceView>
            </InfoCard>
          </Grid>
          <Grid item xs={12} lg={6}>
            <InfoCard
              title="Replication lag"
              subheader="Each replica's lag behind the master over the last hour"
            >
              <ResourceView resource={lag}>
                {value => <LagChart samples={value} />}
              </ResourceView>
            </InfoCard>
          </Grid>
          <Grid item xs={12} lg={6}>
            <ResourceView resource={sessionStore}>
              {value => <SessionStoreTable stats={value} />}
            </ResourceView>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
