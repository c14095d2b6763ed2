import Typography from '@material-ui/core/Typography';
import { formatTime } from '@fleetdeck/frontend-common';

/** The recent moments a session found the pool empty, newest first. */
export function RecentEmptyMoments(props: { at: string[] }) {
  if (props.at.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The pool has not run empty recently: every session found a warm pod.
      </Typography>
    );
  }
  return (
    <ul
      aria-label="Recent empty moments"
      style={{ margin: 0, paddingLeft: 20 }}
    >
      {props.at.map(at => (
        <li key={at}>
          <Typography variant="body2">
            <time dateTime={at}>{formatTime(at)}</time>
          </Typography>
        </li>
      ))}
    </ul>
  );
}
