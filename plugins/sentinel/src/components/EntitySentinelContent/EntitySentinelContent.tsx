import {
  ContentHeader,
  EmptyState,
  InfoCard,
  LinkButton,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { ResourceView, isNotFound } from '@fleetdeck/frontend-common';
import { SENTINEL_GROUP_ANNOTATION, getSentinelGroup } from '../../annotations';
import { useLiveGroup } from '../../hooks/useLiveGroup';
import { groupRouteRef } from '../../routes';
import { FailoverTimeline } from '../FailoverTimeline';
import { TopologyView } from '../TopologyView';

/** Failovers shown on the entity tab; the group page has the longer history. */
export const ENTITY_FAILOVER_LIMIT = 5;

/** A link to the group page, when the app has mounted the plugin's page; an entity tab works without it. */
function useGroupPageLink(): ((group: string) => string) | undefined {
  try {
    const link = useRouteRef(groupRouteRef);
    return group => link({ group });
  } catch {
    return undefined;
  }
}

function GroupSummary(props: { group: string }) {
  const { group } = props;
  const groupPageLink = useGroupPageLink();
  const { topology, failovers } = useLiveGroup(group, {
    failoverLimit: ENTITY_FAILOVER_LIMIT,
  });

  if (!topology.value && isNotFound(topology.error)) {
    return (
      <EmptyState
        missing="field"
        title={`The Sentinel backend does not monitor a group named ${group}`}
        description={`Check the ${SENTINEL_GROUP_ANNOTATION} annotation against the groups configured under sentinel.groups.`}
      />
    );
  }

  return (
    <>
      <ContentHeader title={`Redis Sentinel group ${group}`}>
        {groupPageLink && (
          <LinkButton to={groupPageLink(group)} variant="outlined">
            Open group page
          </LinkButton>
        )}
      </ContentHeader>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <ResourceView resource={topology}>
            {value => <TopologyView topology={value} />}
          </ResourceView>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Latest failovers"
            subheader={`The last ${ENTITY_FAILOVER_LIMIT}, newest first`}
          >
            <ResourceView resource={failovers}>
              {value => <FailoverTimeline failovers={value} />}
            </ResourceView>
          </InfoCard>
        </Grid>
      </Grid>
    </>
  );
}

/** The entity tab: the topology and latest failovers of the Sentinel group the entity is annotated with. */
export function EntitySentinelContent() {
  const { entity } = useEntity();
  const group = getSentinelGroup(entity);
  if (!group) {
    return (
      <MissingAnnotationEmptyState annotation={SENTINEL_GROUP_ANNOTATION} />
    );
  }
  return <GroupSummary group={group} />;
}
