import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { formatDuration, formatTime } from '@fleetdeck/frontend-common';
import { Wave, WaveStatus } from '@fleetdeck/plugin-upgrade-waves-common';
import { useNow } from '../../hooks/useNow';

/** States before the soak starts. */
const BEFORE_SOAK: WaveStatus[] = [
  'PRE_CHECKS',
  'AWAITING_APPROVAL',
  'UPGRADING',
];

/** `ms` as `mm:ss` (minutes may pass 59: a 90-minute soak starts at 90:00). */
export function formatCountdown(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(
    2,
    '0',
  )}`;
}

function Countdown(props: { endsAt: string; soakSeconds: number }) {
  const now = useNow();
  const end = Date.parse(props.endsAt);
  const total = props.soakSeconds * 1000;
  const left = Math.max(0, end - now);
  const done = total > 0 ? Math.min(100, ((total - left) / total) * 100) : 100;
  return (
    <>
      <Typography variant="h4" component="p" role="timer" aria-live="off">
        {formatCountdown(left)} left
      </Typography>
      <Box my={1}>
        <LinearProgress
          variant="determinate"
          value={done}
          aria-label="Soak progress"
        />
      </Box>
      <Typography variant="body2" color="textSecondary">
        {left > 0
          ? `Ends at ${formatTime(
              props.endsAt,
            )}; then the traffic is compared with the baseline.`
          : 'Soak over: comparing the traffic with the baseline.'}
      </Typography>
    </>
  );
}

/** The soak: its length before it starts, a countdown (ticking locally, not refetching) during it, done after. */
export function SoakCard(props: { wave: Wave }) {
  const { wave } = props;
  const length = formatDuration(wave.soakSeconds * 1000);

  if (wave.status === 'SOAKING' && wave.soakEndsAt) {
    return (
      <>
        <Countdown endsAt={wave.soakEndsAt} soakSeconds={wave.soakSeconds} />
        {wave.paused && (
          <Typography variant="body2" color="textSecondary">
            The wave is paused: it does not validate until resumed.
          </Typography>
        )}
      </>
    );
  }
  if (BEFORE_SOAK.includes(wave.status) || wave.status === 'SOAKING') {
    return (
      <Typography variant="body1">
        Soaks {length} after the upgrade, then compares the traffic with the
        baseline.
      </Typography>
    );
  }
  if (wave.status === 'SUCCEEDED' || wave.soakEndsAt) {
    return (
      <Typography variant="body1">
        Soak done: {length}
        {wave.soakEndsAt ? `, ended at ${formatTime(wave.soakEndsAt)}` : ''}.
      </Typography>
    );
  }
  return (
    <Typography variant="body1" color="textSecondary">
      No soak: the wave ended before it ({length} planned).
    </Typography>
  );
}
