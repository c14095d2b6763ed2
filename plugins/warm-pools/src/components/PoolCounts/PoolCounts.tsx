import { ReactNode } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { formatDuration } from '@fleetdeck/frontend-common';
import { PoolSummary } from '@fleetdeck/plugin-warm-pools-common';
import { PoolHealthChip, readyText } from '../PoolHealthChip';
import { formatMaybeDuration, formatRate } from '../format';

function CountCard(props: {
  label: string;
  value: ReactNode;
  caption: ReactNode;
  badge?: ReactNode;
}) {
  return (
    <Grid item xs={12} sm={6} md={3}>
      <div role="group" aria-label={props.label} style={{ height: '100%' }}>
        <InfoCard title={props.label} variant="gridItem">
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="h4" component="p">
              {props.value}
            </Typography>
            {props.badge}
          </Box>
          <Typography variant="body2" color="textSecondary">
            {props.caption}
          </Typography>
        </InfoCard>
      </div>
    </Grid>
  );
}

/** The pool's numbers now, one card each; signals replace them as the pool changes. */
export function PoolCounts(props: { pool: PoolSummary }) {
  const { pool } = props;
  return (
    <Grid container spacing={2}>
      <CountCard
        label="Warm ready"
        value={readyText(pool)}
        badge={<PoolHealthChip pool={pool} />}
        caption={
          pool.target === undefined
            ? 'No target: set warmPools.targets or the provisioner’s fleetdeck.io/warm-pool-target annotation'
            : 'Ready warm pods against the target size'
        }
      />
      <CountCard
        label="Warm pending"
        value={pool.warmPending}
        caption="Warm pods created and not yet Ready"
      />
      <CountCard
        label="Assigned"
        value={pool.assigned}
        caption="Pods serving a session, on-demand ones included"
      />
      <CountCard
        label="On-demand sessions"
        value={pool.onDemandSessions}
        caption={`of ${pool.sessionsStarted} sessions started found no warm pod`}
      />
      <CountCard
        label="Empty today"
        value={pool.emptyEventsToday}
        caption={`moments the pool ran empty since midnight UTC (${pool.emptyEvents} in all)`}
      />
      <CountCard
        label="Assignment rate"
        value={formatRate(pool.assignmentRatePerMinute)}
        caption={`sessions started, over the last ${formatDuration(
          pool.assignmentWindowMs,
        )}`}
      />
      <CountCard
        label="Time to ready p90"
        value={formatMaybeDuration(pool.timeToReady.p90Ms)}
        caption={`creation to Ready; p50 ${formatMaybeDuration(
          pool.timeToReady.p50Ms,
        )} over ${pool.timeToReady.count} pods`}
      />
      <CountCard
        label="Replenish lag p90"
        value={formatMaybeDuration(pool.replenishLag.p90Ms)}
        caption={`from taking a warm pod to the target again; p50 ${formatMaybeDuration(
          pool.replenishLag.p50Ms,
        )} over ${pool.replenishLag.count} refills`}
      />
    </Grid>
  );
}
