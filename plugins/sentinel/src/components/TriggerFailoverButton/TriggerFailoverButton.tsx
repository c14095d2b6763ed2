import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import Alert from '@material-ui/lab/Alert';
import { ButtonWithReason, describeError } from '@fleetdeck/frontend-common';
import {
  FailoverRecord,
  sentinelFailoverTriggerPermission,
} from '@fleetdeck/plugin-sentinel-common';
import { sentinelApiRef } from '../../api';

const REASON_REQUIRED = 'Give a reason: it is recorded with the failover.';

/**
 * The game-day button: asks for a reason, then has Sentinel fail the group's master over (`SENTINEL FAILOVER`).
 * Disabled, with the reason shown, for people without `sentinel.failover.trigger`.
 */
export function TriggerFailoverButton(props: {
  group: string;
  /** The current master, named in the confirmation. */
  master?: string;
  /** Called with the failover the backend started. */
  onTriggered?: (failover: FailoverRecord) => void;
}) {
  const { group, master, onTriggered } = props;
  const api = useApi(sentinelApiRef);
  const permission = usePermission({
    permission: sentinelFailoverTriggerPermission,
  });
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();
  const [started, setStarted] = useState<FailoverRecord>();

  let disabledReason: string | undefined;
  if (permission.loading) {
    disabledReason = 'Checking whether you may trigger failovers…';
  } else if (!permission.allowed) {
    disabledReason = `You need the ${sentinelFailoverTriggerPermission.name} permission to trigger a failover.`;
  }

  const openDialog = () => {
    setReason('');
    setReasonError(undefined);
    setError(undefined);
    setOpen(true);
  };

  const close = () => {
    if (!submitting) setOpen(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (!trimmed) {
      setReasonError(REASON_REQUIRED);
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const failover = await api.triggerFailover(group, trimmed);
      setStarted(failover);
      setOpen(false);
      onTriggered?.(failover);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Box display="flex" flexDirection="column" alignItems="flex-end">
      <ButtonWithReason
        variant="contained"
        color="secondary"
        startIcon={<SwapHorizIcon />}
        disabledReason={disabledReason}
        reasonId="sentinel-failover-disabled"
        onClick={openDialog}
      >
        Trigger failover
      </ButtonWithReason>
      {disabledReason && (
        <Typography
          id="sentinel-failover-disabled"
          variant="caption"
          color="textSecondary"
        >
          {disabledReason}
        </Typography>
      )}
      {started && (
        <Alert severity="success" onClose={() => setStarted(undefined)}>
          Failover {started.id} started; its phases appear in the timeline as
          Sentinel goes through them.
        </Alert>
      )}
      <Dialog
        open={open}
        onClose={close}
        aria-labelledby="sentinel-failover-title"
        fullWidth
        maxWidth="sm"
      >
        <form onSubmit={submit} noValidate>
          <DialogTitle id="sentinel-failover-title">
            Trigger a failover of {group}
          </DialogTitle>
          <DialogContent>
            <DialogContentText>
              Sentinel will promote a replica and demote the current master
              {master ? ` (${master})` : ''}. Clients reconnect to the new
              master; writes in flight may fail. The failover is recorded with
              your name and this reason.
            </DialogContentText>
            {error && (
              <Box mb={2}>
                <Alert severity="error">
                  The failover was not started: {describeError(error)}
                </Alert>
              </Box>
            )}
            <TextField
              id="sentinel-failover-reason"
              required
              fullWidth
              variant="outlined"
              label="Reason"
              placeholder="Game day: check that clients reconnect"
              value={reason}
              onChange={event => {
                setReason(event.target.value);
                if (event.target.value.trim()) setReasonError(undefined);
              }}
              error={reasonError !== undefined}
              helperText={reasonError}
              disabled={submitting}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={submitting}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant="contained"
              color="secondary"
              disabled={submitting}
            >
              {submitting ? 'Starting…' : 'Start failover'}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </Box>
  );
}
