import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { GroupTopology } from '@fleetdeck/plugin-sentinel-common';

const titles = {
  degraded: 'is degraded',
  down: 'is down',
  unknown: 'has an unknown state',
  healthy: 'is healthy',
} as const;

/** What is wrong with a group, one line per problem the monitor found; a short all-clear when nothing is. */
export function GroupProblems(props: { topology: GroupTopology }) {
  const { topology } = props;
  const { health, problems } = topology;
  if (health === 'healthy' && problems.length === 0) {
    return (
      <Alert severity="success">
        {topology.group} is healthy: no problems found.
      </Alert>
    );
  }
  return (
    <WarningPanel
      severity={health === 'down' ? 'error' : 'warning'}
      title={`${topology.group} ${titles[health] ?? titles.unknown}`}
      defaultExpanded
    >
      {problems.length === 0 ? (
        <Typography variant="body2">
          The monitor reported no reason; it may not have reached the group yet.
        </Typography>
      ) : (
        <ul aria-label="Problems" style={{ margin: 0 }}>
          {problems.map(problem => (
            <li key={problem}>
              <Typography variant="body2">{problem}</Typography>
            </li>
          ))}
        </ul>
      )}
    </WarningPanel>
  );
}
