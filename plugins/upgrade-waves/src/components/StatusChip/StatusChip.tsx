import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type {
  ClusterStatus,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';

type Tone = 'ok' | 'active' | 'waiting' | 'error' | 'neutral';

const WAVE_TONES: Record<WaveStatus, Tone> = {
  PRE_CHECKS: 'active',
  AWAITING_APPROVAL: 'waiting',
  MERGING: 'active',
  UPGRADING: 'active',
  SOAKING: 'active',
  SUCCEEDED: 'ok',
  HALTED: 'error',
  ROLLING_BACK: 'error',
  ROLLED_BACK: 'error',
  CANCELLED: 'neutral',
  // Stopped for a person: the error tone, so it stands out in every list.
  NEEDS_ATTENTION: 'error',
};

const CLUSTER_TONES: Record<ClusterStatus, Tone> = {
  PENDING: 'neutral',
  PRE_CHECK_RUNNING: 'active',
  PRE_CHECK_PASSED: 'active',
  PRE_CHECK_FAILED: 'error',
  MR_CREATED: 'waiting',
  UPGRADING: 'active',
  POST_CHECK_RUNNING: 'active',
  HEALTHY: 'ok',
  ROLLBACK_REQUIRED: 'error',
  FAILED_UPGRADE_ROLLED_BACK: 'error',
};

const useStyles = makeStyles((theme: Theme) => ({
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  active: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  waiting: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  error: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  neutral: {},
}));

/** A status as people read it: `AWAITING_APPROVAL` → "awaiting approval". */
export function statusLabel(status: string): string {
  return status.toLocaleLowerCase('en-US').replace(/_/g, ' ');
}

/** A wave's status as a coloured chip; " (paused)" when paused. */
export function WaveStatusChip(props: {
  status: WaveStatus;
  paused?: boolean;
}) {
  const classes = useStyles();
  const label = `${statusLabel(props.status)}${
    props.paused ? ' (paused)' : ''
  }`;
  return (
    <Chip
      size="small"
      label={label}
      className={classes[WAVE_TONES[props.status] ?? 'neutral']}
    />
  );
}

/** A cluster's status in a wave (GUARD's states) as a coloured chip. */
export function ClusterStatusChip(props: { status: ClusterStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={statusLabel(props.status)}
      className={classes[CLUSTER_TONES[props.status] ?? 'neutral']}
    />
  );
}
