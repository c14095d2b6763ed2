import {
  StatusError,
  StatusOK,
  StatusRunning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  amber,
  blue,
  cyan,
  deepOrange,
  green,
  indigo,
  purple,
  red,
  teal,
} from '@material-ui/core/colors';
import { formatDuration, formatTime } from '@fleetdeck/frontend-common';
import {
  FAILOVER_PHASES,
  FailoverPhase,
  FailoverRecord,
} from '@fleetdeck/plugin-sentinel-common';

const phaseLabels: Record<FailoverPhase, string> = {
  sdown: 'sdown',
  odown: 'odown',
  'try-failover': 'try failover',
  'leader-elected': 'leader elected',
  'replica-selected': 'replica selected',
  'replica-promoted': 'replica promoted',
  'reconf-replicas': 'reconfigure replicas',
  'switch-master': 'switch master',
  'failover-end': 'failover end',
};

const phaseColors: Record<FailoverPhase, string> = {
  sdown: amber[600],
  odown: deepOrange[500],
  'try-failover': red[400],
  'leader-elected': purple[400],
  'replica-selected': indigo[400],
  'replica-promoted': blue[500],
  'reconf-replicas': cyan[600],
  'switch-master': teal[500],
  'failover-end': green[600],
};

const useStyles = makeStyles(theme => ({
  failover: {
    padding: theme.spacing(2, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  bar: {
    display: 'flex',
    height: 20,
    margin: theme.spacing(1, 0),
    borderRadius: 2,
    overflow: 'hidden',
  },
  segment: {
    flexBasis: 0,
    minWidth: 4,
  },
  ongoing: {
    backgroundImage:
      'repeating-linear-gradient(45deg, rgba(255,255,255,.35) 0 6px, transparent 6px 12px)',
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  swatch: {
    display: 'inline-block',
    width: 10,
    height: 10,
    marginRight: theme.spacing(0.5),
    borderRadius: 2,
  },
}));

/** The time between one phase mark and the next: how long the failover stayed in `phase`. */
interface PhaseSpan {
  phase: FailoverPhase;
  next?: FailoverPhase;
  ms: number;
  ongoing: boolean;
}

function phaseSpans(failover: FailoverRecord, now: number): PhaseSpan[] {
  const marks = [...failover.phases].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      FAILOVER_PHASES.indexOf(a.phase) - FAILOVER_PHASES.indexOf(b.phase),
  );
  const spans: PhaseSpan[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    spans.push({
      phase: marks[i].phase,
      next: marks[i + 1].phase,
      ms: Math.max(0, Date.parse(marks[i + 1].at) - Date.parse(marks[i].at)),
      ongoing: false,
    });
  }
  const last = marks[marks.length - 1];
  if (last && failover.status === 'in-progress') {
    spans.push({
      phase: last.phase,
      ms: Math.max(0, now - Date.parse(last.at)),
      ongoing: true,
    });
  }
  return spans;
}

function totalMs(failover: FailoverRecord, now: number): number {
  if (failover.durationMs !== undefined) return failover.durationMs;
  const end = failover.endedAt ? Date.parse(failover.endedAt) : now;
  return Math.max(0, end - Date.parse(failover.startedAt));
}

function FailoverStatus(props: { status: FailoverRecord['status'] }) {
  switch (props.status) {
    case 'completed':
      return <StatusOK>completed</StatusOK>;
    case 'in-progress':
      return <StatusRunning>in progress</StatusRunning>;
    default:
      return <StatusError>timed out</StatusError>;
  }
}

function spanLabel(span: PhaseSpan): string {
  const name = span.next
    ? `${phaseLabels[span.phase]} → ${phaseLabels[span.next]}`
    : `${phaseLabels[span.phase]} (ongoing)`;
  return `${name} ${formatDuration(span.ms)}`;
}

function FailoverRow(props: {
  failover: FailoverRecord;
  now: number;
  scaleMs: number;
}) {
  const { failover, now, scaleMs } = props;
  const classes = useStyles();
  const spans = phaseSpans(failover, now);
  const total = totalMs(failover, now);
  // One time scale for every failover on the list, so a slow one looks slow next to a fast one.
  const width = scaleMs > 0 ? Math.max(10, (total / scaleMs) * 100) : 100;

  return (
    <Box
      className={classes.failover}
      component="li"
      aria-label={`Failover ${failover.id}`}
    >
      <div className={classes.heading}>
        <Chip
          size="small"
          color={failover.trigger === 'manual' ? 'primary' : 'default'}
          label={failover.trigger}
        />
        <FailoverStatus status={failover.status} />
        <Typography variant="body2">
          {failover.oldMaster} → {failover.newMaster ?? '…'}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          started {formatTime(failover.startedAt)}, {formatDuration(total)}
          {failover.status === 'in-progress' ? ' so far' : ' total'}
        </Typography>
      </div>
      {(failover.reason || failover.triggeredBy) && (
        <Typography variant="body2" color="textSecondary">
          {failover.reason && <>Reason: {failover.reason}. </>}
          {failover.triggeredBy && <>By {failover.triggeredBy}.</>}
        </Typography>
      )}
      {spans.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No phases recorded yet.
        </Typography>
      ) : (
        <>
          <div
            className={classes.bar}
            style={{ width: `${width}%` }}
            aria-hidden="true"
          >
            {spans.map((span, index) => (
              <div
                key={index}
                title={spanLabel(span)}
                className={`${classes.segment} ${
                  span.ongoing ? classes.ongoing : ''
                }`}
                style={{
                  flexGrow: Math.max(span.ms, 1),
                  backgroundColor: phaseColors[span.phase],
                }}
              />
            ))}
          </div>
          <ol
            className={classes.legend}
            aria-label={`Phases of failover ${failover.id}`}
          >
            {spans.map((span, index) => (
              <li key={index}>
                <span
                  className={classes.swatch}
                  style={{ backgroundColor: phaseColors[span.phase] }}
                />
                <Typography variant="caption">{spanLabel(span)}</Typography>
              </li>
            ))}
          </ol>
        </>
      )}
    </Box>
  );
}

/**
 * Failovers, newest first, each as a bar of its phases from the first mark to `+failover-end`, with the time
 * spent in each phase, the trigger (detected by Sentinel or manual), the reason and who started it.
 */
export function FailoverTimeline(props: {
  failovers: FailoverRecord[];
  /** The current time, for failovers still in progress; tests pin it. */
  now?: number;
}) {
  const { failovers } = props;
  const now = props.now ?? Date.now();
  if (failovers.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No failovers recorded for this group.
      </Typography>
    );
  }
  const sorted = [...failovers].sort(
    (a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt),
  );
  const scaleMs = Math.max(...sorted.map(f => totalMs(f, now)));
  return (
    <Box component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
      {sorted.map(failover => (
        <FailoverRow
          key={failover.id}
          failover={failover}
          now={now}
          scaleMs={scaleMs}
        />
      ))}
    </Box>
  );
}
