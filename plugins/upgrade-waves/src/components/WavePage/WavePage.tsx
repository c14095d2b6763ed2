import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
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
  WaveAttentionKind,
  WaveDetail,
  WaveFailure,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { useLiveWave, LiveWave } from '../../hooks/useLiveWave';
import {
  useWaveActions,
  WaveAction,
  WaveActionState,
} from '../../hooks/useWaveActions';
import { rootRouteRef } from '../../routes';
import { actorName } from '../actorName';
import { AuditTimeline } from '../AuditTimeline';
import { BlastRadiusSection } from '../BlastRadiusTable';
import { MergeRequestCard } from '../MergeRequestCard';
import { MetricCharts } from '../MetricCharts';
import { PreCheckResults } from '../PreCheckResults';
import { SoakCard } from '../SoakCard';
import {
  actionLabel,
  shownActions,
  WaveActions,
  wayOutText,
} from '../WaveActions';
import { WaveClustersTable } from '../WaveClustersTable';
import { statusLabel, WaveStatusChip } from '../StatusChip';

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

/** What stopped a wave, as the alert's first line names it. */
const ATTENTION_KINDS: Record<WaveAttentionKind, string> = {
  'gitlab-refused': 'GitLab refused a request',
  'merge-request-closed': 'The merge request was closed in GitLab',
  'unapproved-merge':
    'The merge request was merged in GitLab without an approval',
  'repeated-failure': 'A step kept failing',
  'step-failed': 'A step failed in a way that waiting will not mend',
};

/**
 * The wave stopped for a person: why, since when, the state it stopped in, and its ways out — the buttons that
 * `waveActionAllowed` opens on it, each with what it does.
 */
function NeedsAttentionAlert(props: {
  wave: WaveDetail;
  actions: Record<WaveAction, WaveActionState>;
  buttons: ReactNode;
}) {
  const { wave, actions, buttons } = props;
  const attention = wave.attention;
  const waysOut = shownActions(actions);
  return (
    <Box mb={2}>
      <Alert severity="error" aria-labelledby="upgrade-waves-attention-title">
        <AlertTitle id="upgrade-waves-attention-title">
          Needs attention
        </AlertTitle>
        {attention ? (
          <>
            <Typography variant="body1" gutterBottom>
              {ATTENTION_KINDS[attention.kind]}: {attention.reason}
            </Typography>
            <Typography variant="body2" gutterBottom>
              Stopped in {statusLabel(attention.from)} since{' '}
              {formatTime(attention.since)}
              {attention.upgradeMerged
                ? '; the upgrade merge request is (or may be) merged, so the clusters may be changing.'
                : '; nothing has been merged.'}{' '}
              Fleetdeck takes no further step until someone chooses a way out.
            </Typography>
          </>
        ) : (
          <Typography variant="body1" gutterBottom>
            {wave.reason ?? 'The wave stopped for a person.'}
          </Typography>
        )}
        {waysOut.length > 0 && (
          <>
            <Typography variant="body2">Ways out:</Typography>
            <ul aria-label="Ways out">
              {waysOut.map(action => {
                const text = wayOutText(action, wave);
                return (
                  <Typography key={action} component="li" variant="body2">
                    <strong>{actionLabel(action)}</strong>
                    {text ? `: ${text}` : ''}
                  </Typography>
                );
              })}
            </ul>
          </>
        )}
        {buttons}
      </Alert>
    </Box>
  );
}

/** The step that failed and is being tried again (the engine has not given up yet). */
function FailingStepNote(props: { failure: WaveFailure }) {
  const { failure } = props;
  return (
    <Box mb={2}>
      <Alert severity="warning">
        Step failing, retrying: {failure.message} (attempt {failure.attempts})
        {' · '}last at {formatTime(failure.at)}
      </Alert>
    </Box>
  );
}

/**
 * Why the wave stopped or needs attention, a step failing, a merge under way, or that it skipped the rollout order.
 * On a wave that needs attention the alert carries the buttons (`buttons`), its ways out.
 */
function WaveNotes(props: {
  wave: WaveDetail;
  actions: Record<WaveAction, WaveActionState>;
  buttons: ReactNode;
}) {
  const { wave, actions, buttons } = props;
  const needsAttention = wave.status === 'NEEDS_ATTENTION';
  const stopped = ['HALTED', 'ROLLING_BACK', 'ROLLED_BACK'].includes(
    wave.status,
  );
  // The orchestrator writes the attention's reason into the wave's too; said once, in the attention alert.
  const reason = needsAttention ? undefined : wave.reason;
  return (
    <>
      {needsAttention && (
        <NeedsAttentionAlert wave={wave} actions={actions} buttons={buttons} />
      )}
      {wave.lastFailure &&
        !needsAttention &&
        !TERMINAL_WAVE_STATUSES.includes(wave.status) && (
          <FailingStepNote failure={wave.lastFailure} />
        )}
      {wave.status === 'MERGING' && (
        <Box mb={2}>
          <Alert severity="info">
            Approved and being merged: the wave can no longer be cancelled or
            rejected. Once merged it can be rolled back.
          </Alert>
        </Box>
      )}
      {reason && (
        <Box mb={2}>
          <Alert severity={stopped ? 'error' : 'info'}>{reason}</Alert>
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
  const needsAttention = wave.status === 'NEEDS_ATTENTION';
  const buttons = (
    <WaveActions wave={wave} actions={actions} onApplied={live.applied} />
  );

  return (
    <>
      <WaveNotes
        wave={wave}
        actions={actions}
        buttons={needsAttention ? buttons : null}
      />
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
            {needsAttention ? (
              <Typography variant="body2" color="textSecondary">
                The wave needs attention: its ways out are in the alert at the
                top of the page.
              </Typography>
            ) : (
              buttons
            )}
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
