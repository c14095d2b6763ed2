import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import { GroupHealth } from '@fleetdeck/plugin-sentinel-common';

const statusByHealth = {
  healthy: StatusOK,
  degraded: StatusWarning,
  down: StatusError,
  unknown: StatusAborted,
} as const;

/** A group's health as a chip: healthy, degraded, down or unknown. */
export function GroupHealthChip(props: { health: GroupHealth }) {
  const Status = statusByHealth[props.health] ?? StatusAborted;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={<Status>{props.health}</Status>}
      data-testid={`health-${props.health}`}
    />
  );
}
