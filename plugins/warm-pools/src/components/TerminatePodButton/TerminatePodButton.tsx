import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { ButtonWithReason, describeError } from '@fleetdeck/frontend-common';
import { PoolId, PoolPod } from '@fleetdeck/plugin-warm-pools-common';
import { warmPoolsApiRef } from '../../api';

/**
 * The Terminate button of a session's pod; it asks for confirmation through {@link TerminatePodDialog}. Disabled,
 * with the reason as its tooltip and description, when `disabledReason` is given.
 */
export function TerminatePodButton(props: {
  pod: PoolPod;
  disabledReason?: string;
  /** The id of an element that says `disabledReason`, for screen readers. */
  disabledReasonId?: string;
  onClick(pod: PoolPod): void;
}) {
  const { pod, disabledReason, disabledReasonId, onClick } = props;
  return (
    <ButtonWithReason
      size="small"
      variant="outlined"
      color="secondary"
      disabledReason={disabledReason}
      reasonId={disabledReasonId}
      aria-label={`Terminate ${pod.name}`}
      onClick={() => onClick(pod)}
    >
      Terminate
    </ButtonWithReason>
  );
}

/**
 * Confirms and terminates one pod, so that one can watch the pool heal. Rendered once beside the live pods table
 * rather than in a row: the rows are replaced on every update, and an open confirmation must not go with them.
 */
export function TerminatePodDialog(props: {
  poolId: PoolId;
  /** The pod to confirm; the dialog is closed while undefined. */
  pod?: PoolPod;
  onClose(): void;
  onTerminated(pod: PoolPod): void;
}) {
  const { poolId, pod, onClose, onTerminated } = props;
  const api = useApi(warmPoolsApiRef);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();
  const titleId = 'warm-pools-terminate-title';

  const close = () => {
    if (submitting) return;
    setError(undefined);
    onClose();
  };

  const terminate = async () => {
    if (!pod) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await api.terminatePod(poolId, pod.name);
      onTerminated(pod);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open={pod !== undefined} onClose={close} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Terminate {pod?.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The pod is deleted through the Kubernetes API
          {pod?.sessionId ? ` and session ${pod.sessionId} loses it` : ''}. The
          provisioner then replaces it: watch a new pod appear in the table.
        </DialogContentText>
        {error && (
          <Box mb={1}>
            <Alert severity="error">
              The pod was not terminated: {describeError(error)}
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={submitting}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="secondary"
          onClick={terminate}
          disabled={submitting}
        >
          {submitting ? 'Terminating…' : 'Terminate pod'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
