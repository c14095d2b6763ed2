import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import RemoveCircleIcon from '@material-ui/icons/RemoveCircle';
import WarningIcon from '@material-ui/icons/Warning';
import { formatDuration } from '@fleetdeck/frontend-common';
import {
  CheckOutcome,
  CheckResult,
  WaveCluster,
} from '@fleetdeck/plugin-upgrade-waves-common';

const useStyles = makeStyles((theme: Theme) => ({
  cluster: {
    '& + &': { marginTop: theme.spacing(3) },
  },
  phase: { marginTop: theme.spacing(1), marginBottom: theme.spacing(0.5) },
  summary: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    width: '100%',
  },
  check: { fontWeight: 500, minWidth: '9em' },
  message: { flex: 1, minWidth: '12em' },
  detail: {
    margin: 0,
    width: '100%',
    overflowX: 'auto',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.background.default,
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
  },
  passed: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  failed: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  skipped: {},
  chipIcon: { color: 'inherit' },
}));

const OUTCOME_ICONS: Record<CheckOutcome, typeof CheckCircleIcon> = {
  passed: CheckCircleIcon,
  failed: ErrorIcon,
  warning: WarningIcon,
  skipped: RemoveCircleIcon,
};

const PHASES = [
  { phase: 'pre', title: 'Before the upgrade (pre-checks)' },
  { phase: 'post', title: 'After the soak (post-checks)' },
] as const;

/** A check's outcome as a coloured chip with its icon. */
export function OutcomeChip(props: { outcome: CheckOutcome }) {
  const classes = useStyles();
  const Icon = OUTCOME_ICONS[props.outcome];
  return (
    <Chip
      size="small"
      label={props.outcome}
      icon={<Icon className={classes.chipIcon} />}
      className={classes[props.outcome]}
    />
  );
}

function CheckRow(props: { result: CheckResult }) {
  const { result } = props;
  const classes = useStyles();
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }} variant="outlined">
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <div className={classes.summary}>
          <OutcomeChip outcome={result.outcome} />
          <Typography variant="body2" className={classes.check}>
            {result.check}
          </Typography>
          <Typography variant="body2" className={classes.message}>
            {result.message}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {formatDuration(result.durationMs)}
          </Typography>
        </div>
      </AccordionSummary>
      <AccordionDetails>
        {result.detail === undefined ? (
          <Typography variant="body2" color="textSecondary">
            No detail recorded.
          </Typography>
        ) : (
          <pre
            className={classes.detail}
            aria-label={`Detail of ${result.check}`}
          >
            {JSON.stringify(result.detail, null, 2)}
          </pre>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * The checks of each cluster, grouped by cluster and phase (pre-checks before the merge request, post-checks after
 * the soak); each expands to the detail the check recorded, as JSON.
 */
export function PreCheckResults(props: {
  checks: CheckResult[];
  clusters: WaveCluster[];
}) {
  const { checks, clusters } = props;
  const classes = useStyles();
  if (checks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No checks have run yet.
      </Typography>
    );
  }
  // The wave's cluster order first; a check of a cluster the detail does not list still shows.
  const clusterIds = [
    ...new Set([
      ...clusters.map(c => c.clusterId),
      ...checks.map(c => c.clusterId),
    ]),
  ].filter(id => checks.some(c => c.clusterId === id));
  const nameOf = (id: string) =>
    clusters.find(c => c.clusterId === id)?.name ?? id;

  return (
    <>
      {clusterIds.map(clusterId => (
        <section
          key={clusterId}
          className={classes.cluster}
          aria-label={`Checks on ${nameOf(clusterId)}`}
        >
          <Typography variant="h6" component="h3">
            {nameOf(clusterId)}
          </Typography>
          {PHASES.map(({ phase, title }) => {
            const results = checks
              .filter(c => c.clusterId === clusterId && c.phase === phase)
              .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
            if (results.length === 0) return null;
            return (
              <Box key={phase}>
                <Typography
                  variant="subtitle2"
                  component="h4"
                  color="textSecondary"
                  className={classes.phase}
                >
                  {title}
                </Typography>
                {results.map(result => (
                  <CheckRow
                    key={`${result.check}-${result.at}`}
                    result={result}
                  />
                ))}
              </Box>
            );
          })}
        </section>
      ))}
    </>
  );
}
