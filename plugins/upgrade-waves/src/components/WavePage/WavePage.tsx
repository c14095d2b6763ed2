import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import {
  Content,
  EmptyState,
  Header,
  HeaderLabel,
  InfoCard,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  formatTime,
  isNotFound,
  ResourceView,
} from '@fleetdeck/frontend-common';
import {
  TERMINAL_WAVE_STATUSES,
  WaveDetail,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { useLiveWave, LiveWave } from '../../hooks/useLiveWave';
import { useWaveActions } from '../../hooks/useWaveActions';
import { rootRouteRef } from '../../routes';
import { actorName } from '../actorName';
import { AuditTimeline } from '../AuditTimeline';
import { BlastRadiusSection } from '../BlastRadiusTable';
import { MergeRequestCard } from '../MergeRequestCard';
import { MetricCharts } from '../MetricCharts';
import { PreCheckResults } from '../PreCheckResults';
import { SoakCard } from '../SoakCard';
import { WaveActions } from '../WaveActions';
import { WaveClustersTable } from '../WaveClustersTable';
import { WaveStatusChip } from '../StatusChip';

/** Said when the app has no signal API: the page then changes only when reloaded. */
function LiveUpdatesNote(props: { live: boolean }) {
  if (props.live) return null;
  return (
    <Box mb={2}>
      <Alert severity="info">
        Live updates are off: this app has no signals API (the
        @backstage/plugin-signals frontend plugin). Reload the page to see
        changes.
      </Alert>
    </Box>
  );
}

/** Why the wave stopped, or that it skipped the rollout order. */
function WaveNotes(props: { wave: WaveDetail }) {
  const { wave } = props;
  const stopped = ['HALTED', 'ROLLING_BACK', 'ROLLED_BACK'].includes(
    wave.status,
  );
  return (
    <>
      {wave.reason && (
        <Box mb={2}>
          <Alert severity={stopped ? 'error' : 'info'}>{wave.reason}</Alert>
        </Box>
      )}
      {wave.orderOverridden && (
        <Box mb={2}>
          <Alert severity="warning">
            Started out of rollout order: the batch before {wave.batchId} was
            not healthy on {wave.targetVersion} (order override).
          </Alert>
        </Box>
      )}
    </>
  );
}

function WaveDashboard(props: { wave: WaveDetail; live: LiveWave }) {
  const { wave, live } = props;
  const actions = useWaveActions(wave);
  const done = TERMINAL_WAVE_STATUSES.includes(wave.status);

  return (
    <>
      <WaveNotes wave={wave} />
      <Grid container spacing={3} alignItems="stretch">
        <Grid item xs={12} md={4}>
          <InfoCard
            title="Actions"
            subheader={
              done
                ? 'The wave is over'
                : 'Each action is recorded in the audit log'
            }
          >
            <WaveActions
              wave={wave}
              actions={actions}
              onApplied={live.applied}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={4}>
          <InfoCard title="Soak">
            <SoakCard wave={wave} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={4}>
          <InfoCard title="Merge requests">
            <MergeRequestCard wave={wave} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <WaveClustersTable clusters={wave.clusters} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <InfoCard
            title="Checks"
            subheader="Per cluster; expand a check to see what it recorded"
          >
            <PreCheckResults checks={wave.checks} clusters={wave.clusters} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} lg={6}>
          <InfoCard title="Audit log" subheader="Oldest first">
            <AuditTimeline events={wave.events} decision={wave.decision} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Traffic against baseline"
            subheader="Error rate and p95 latency per cluster; the dashed line is the limit the post-checks apply"
          >
            <MetricCharts
              clusters={wave.clusters}
              thresholds={wave.thresholds}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <BlastRadiusSection resource={live.blastRadius} />
        </Grid>
      </Grid>
    </>
  );
}

/** One wave's page, live: clusters, checks, merge requests, soak, metrics, audit log, blast radius and buttons. */
export function WavePage(props: { waveId: string }) {
  const { waveId } = props;
  const fleetLink = useRouteRef(rootRouteRef);
  const live = useLiveWave(waveId);
  const wave = live.detail.value;

  return (
    <Page themeId="tool">
      <Header
        title={
          wave
            ? `Wave to ${wave.targetVersion} on ${wave.batchId}`
            : `Wave ${waveId}`
        }
        subtitle={
          wave
            ? `Istio ${wave.previousVersion} → ${
                wave.targetVersion
              }, started by ${actorName(wave.createdBy)} at ${formatTime(
                wave.createdAt,
              )}`
            : undefined
        }
        type="Upgrade Waves"
        typeLink={fleetLink()}
      >
        {wave && (
          <HeaderLabel
            label="Status"
            value={<WaveStatusChip status={wave.status} paused={wave.paused} />}
          />
        )}
        {wave && live.live && <HeaderLabel label="Updates" value="live" />}
      </Header>
      <Content>
        <LiveUpdatesNote live={live.live} />
        {!wave && isNotFound(live.detail.error) ? (
          <EmptyState
            missing="data"
            title={`No wave ${waveId}`}
            description="The upgrade-waves backend knows no wave with this id. It may be a mistyped link; the fleet page lists every wave."
            action={
              <LinkButton to={fleetLink()} variant="contained" color="primary">
                Back to the fleet
              </LinkButton>
            }
          />
        ) : (
          <ResourceView resource={live.detail}>
            {value => <WaveDashboard wave={value} live={live} />}
          </ResourceView>
        )}
      </Content>
    </Page>
  );
}
