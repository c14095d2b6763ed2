import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { Wave, WaveMergeRequest } from '@fleetdeck/plugin-upgrade-waves-common';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  merged: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  opened: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  closed: {},
  branch: { fontFamily: 'monospace' },
}));

/** "6 files, +6 −6". */
export function diffSummary(diff: NonNullable<WaveMergeRequest['diff']>) {
  const files = diff.files === 1 ? '1 file' : `${diff.files} files`;
  return `${files}, +${diff.additions} −${diff.deletions}`;
}

/** Who merged or closed it in GitLab, as GitLab last said: "merged by @linus". */
export function mergedOrClosedBy(mr: WaveMergeRequest): string | undefined {
  if (mr.state === 'merged' && mr.mergedBy) return `merged by @${mr.mergedBy}`;
  if (mr.state === 'closed' && mr.closedBy) return `closed by @${mr.closedBy}`;
  return undefined;
}

function MergeRequestItem(props: { mr: WaveMergeRequest }) {
  const { mr } = props;
  const classes = useStyles();
  const by = mergedOrClosedBy(mr);
  return (
    <li className={classes.item}>
      <Typography variant="overline" color="textSecondary" component="p">
        {mr.kind === 'upgrade' ? 'Upgrade' : 'Rollback'} · {mr.project}
      </Typography>
      <div className={classes.heading}>
        <Link to={mr.webUrl}>
          !{mr.iid} {mr.title}
        </Link>
        <Chip size="small" label={mr.state} className={classes[mr.state]} />
      </div>
      <Typography variant="body2" color="textSecondary">
        Branch <span className={classes.branch}>{mr.branch}</span>
        {mr.diff ? ` · ${diffSummary(mr.diff)}` : ''}
      </Typography>
      {by && (
        <Typography variant="body2" color="textSecondary">
          {by}
        </Typography>
      )}
    </li>
  );
}

/** The merge requests the wave opened: the upgrade and, when it came to that, the rollback. */
export function MergeRequestCard(props: { wave: Wave }) {
  const { wave } = props;
  const classes = useStyles();
  if (wave.mergeRequests.length === 0) {
    const ended = ['HALTED', 'CANCELLED'].includes(wave.status);
    return (
      <Typography variant="body2" color="textSecondary">
        {ended
          ? 'No merge request was opened: the wave ended before its pre-checks passed.'
          : 'No merge request yet: it is opened once the pre-checks pass on every cluster.'}
      </Typography>
    );
  }
  return (
    <ul className={classes.list}>
      {wave.mergeRequests.map(mr => (
        <MergeRequestItem key={`${mr.project}!${mr.iid}`} mr={mr} />
      ))}
    </ul>
  );
}
