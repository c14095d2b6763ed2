import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { Link } from '@backstage/core-components';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  ORCHESTRATOR_ACTOR,
  WaveDecision,
  WaveEvent,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { statusLabel } from '../StatusChip';
import { actorName } from '../actorName';

const useStyles = makeStyles(theme => ({
  timeline: { padding: 0, margin: 0 },
  time: {
    flex: '0 0 11em',
    paddingLeft: 0,
    color: theme.palette.text.secondary,
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 2),
  },
}));

/** The approval or rejection, as one sentence. */
export function decisionText(decision: WaveDecision): string {
  const verb = decision.decision === 'approved' ? 'Approved' : 'Rejected';
  return `${verb} by ${actorName(decision.by)} at ${formatTime(decision.at)}: ${
    decision.comment
  }`;
}

function EventItem(props: { event: WaveEvent; last: boolean }) {
  const { event, last } = props;
  const classes = useStyles();
  const byPerson = event.actor !== ORCHESTRATOR_ACTOR;
  return (
    <TimelineItem>
      <TimelineOppositeContent className={classes.time}>
        <Typography variant="body2" component="time" dateTime={event.at}>
          {formatTime(event.at)}
        </Typography>
      </TimelineOppositeContent>
      <TimelineSeparator>
        <TimelineDot
          color={byPerson ? 'primary' : 'grey'}
          variant={byPerson ? 'default' : 'outlined'}
        />
        {!last && <TimelineConnector />}
      </TimelineSeparator>
      <TimelineContent>
        <div className={classes.heading}>
          <Typography variant="subtitle2" component="span">
            {actorName(event.actor)}
          </Typography>
          {event.clusterId && (
            <Chip size="small" variant="outlined" label={event.clusterId} />
          )}
          {(event.from || event.to) && (
            <Typography variant="body2" color="textSecondary" component="span">
              {event.from ? `${statusLabel(event.from)} → ` : '→ '}
              {event.to ? statusLabel(event.to) : '…'}
            </Typography>
          )}
        </div>
        <Typography variant="body2">{event.message}</Typography>
        {event.links && event.links.length > 0 && (
          <div className={classes.links}>
            {event.links.map(link => (
              <Link key={link.url} to={link.url}>
                {link.title}
              </Link>
            ))}
          </div>
        )}
      </TimelineContent>
    </TimelineItem>
  );
}

/**
 * The wave's audit log, oldest first (it reads as the story of the wave), with the approval or rejection on top.
 */
export function AuditTimeline(props: {
  events: WaveEvent[];
  decision?: WaveDecision;
}) {
  const { events, decision } = props;
  const classes = useStyles();
  const sorted = [...events].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id,
  );

  return (
    <>
      {decision && (
        <Box mb={2}>
          <Alert
            severity={decision.decision === 'approved' ? 'success' : 'warning'}
            aria-label="Decision"
          >
            {decisionText(decision)}
          </Alert>
        </Box>
      )}
      {sorted.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          Nothing recorded yet.
        </Typography>
      ) : (
        <Timeline className={classes.timeline} aria-label="Audit log">
          {sorted.map((event, index) => (
            <EventItem
              key={event.id}
              event={event}
              last={index === sorted.length - 1}
            />
          ))}
        </Timeline>
      )}
    </>
  );
}
