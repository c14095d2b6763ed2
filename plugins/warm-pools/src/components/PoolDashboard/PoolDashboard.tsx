import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { ResourceView } from '@fleetdeck/frontend-common';
import { LivePool } from '../../hooks/useLivePool';
import { LiveUpdatesNote } from '../LiveUpdatesNote';
import { PodsTable } from '../PodsTable';
import { PoolCounts } from '../PoolCounts';
import { HistoryRangeSelector, PoolHistoryChart } from '../PoolHistoryChart';
import { RecentEmptyMoments } from '../RecentEmptyMoments';
import { SessionStartLatencyTable } from '../SessionStartLatencyTable';
import { SizingAdviceCard } from '../SizingAdviceCard';
import { StaleBanner } from '../StaleBanner';
import { TimeToReadyHistogram } from '../TimeToReadyHistogram';

/**
 * Everything about one pool: counts, history, sizing advice, time to ready, session start latency, empty moments
 * and pods. The pool page and the entity tab both show it.
 */
export function PoolDashboard(props: { poolId: string; live: LivePool }) {
  const { poolId, live } = props;
  const { detail, pods, history, range, setRange } = live;
  const pool = detail.value;

  return (
    <>
      <LiveUpdatesNote live={live.live} />
      <ResourceView resource={detail}>
        {value => (
          <>
            <StaleBanner pools={[value]} />
            <Box mt={2}>
              <PoolCounts pool={value} />
            </Box>
          </>
        )}
      </ResourceView>
      <Grid container spacing={3} style={{ marginTop: 8 }}>
        <Grid item xs={12} lg={8}>
          <InfoCard
            title="Pods over time"
            subheader="Warm ready, warm pending and assigned, stacked; the dashed line is the target"
            action={<HistoryRangeSelector range={range} onChange={setRange} />}
          >
            <ResourceView resource={history}>
              {value => <PoolHistoryChart history={value} />}
            </ResourceView>
          </InfoCard>
        </Grid>
        {pool && (
          <Grid item xs={12} lg={4}>
            <SizingAdviceCard advice={pool.advice} />
          </Grid>
        )}
        {pool && (
          <Grid item xs={12} lg={6}>
            <InfoCard
              title="Time to ready"
              subheader={`Pod creation to Ready, ${pool.timeToReady.count} pods`}
            >
              <TimeToReadyHistogram buckets={pool.timeToReadyHistogram} />
            </InfoCard>
          </Grid>
        )}
        {pool && (
          <Grid item xs={12} lg={6}>
            <SessionStartLatencyTable latency={pool.sessionStartLatency} />
          </Grid>
        )}
        <Grid item xs={12} lg={pool ? 8 : 12}>
          <ResourceView resource={pods}>
            {value => <PodsTable poolId={poolId} pods={value} />}
          </ResourceView>
        </Grid>
        {pool && (
          <Grid item xs={12} lg={4}>
            <InfoCard
              title="Recent empty moments"
              subheader="Sessions that found no ready warm pod, newest first"
            >
              <RecentEmptyMoments at={pool.recentEmptyAt} />
            </InfoCard>
          </Grid>
        )}
      </Grid>
    </>
  );
}
