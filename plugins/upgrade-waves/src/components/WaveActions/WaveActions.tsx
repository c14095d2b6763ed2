import { FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { ButtonWithReason, describeError } from '@fleetdeck/frontend-common';
import { UpgradeWavesApi, Wave } from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesApiRef } from '../../api';
import { WaveAction, WaveActionState } from '../../hooks/useWaveActions';
import { statusLabel } from '../StatusChip';

/** How each button reads, what it calls, and what it asks first. */
interface ActionSpec {
  label: string;
  color: 'primary' | 'secondary' | 'default';
  variant: 'contained' | 'outlined';
  call(
    api: UpgradeWavesApi,
    waveId: string,
    comment: string | undefined,
  ): Promise<Wave>;
  /** What it did not do, to head an error: "The wave was not approved". */
  failed: string;
  /** Asked in a dialog first; without one the button acts at once. */
  confirm?: {
    title(wave: Wave): string;
    text(wave: Wave): string;
    button: string;
    busy: string;
    /** A comment is required (approve, reject) or optional (retry, rollback, cancel). */
    commentRequired: boolean;
  };
}

const ACTIONS: Record<WaveAction, ActionSpec> = {
  approve: {
    label: 'Approve',
    color: 'primary',
    variant: 'contained',
    call: (api, id, comment) => api.approveWave(id, comment ?? ''),
    failed: 'The wave was not approved',
    confirm: {
      title: w => `Approve the wave to ${w.targetVersion} on ${w.batchId}?`,
      text: w =>
        w.status === 'NEEDS_ATTENTION'
          ? `The upgrade merge request was merged in GitLab without an approval here. Approving adopts the merge done in GitLab: the wave goes on from ${statusLabel(
              w.attention?.from ?? 'MERGING',
            )} and the clusters of ${w.batchId} move from Istio ${
              w.previousVersion
            } to ${
              w.targetVersion
            }. Your name, the time and your comment are recorded in the audit log.`
          : `The upgrade merge request is merged and the clusters of ${w.batchId} move from Istio ${w.previousVersion} to ${w.targetVersion}. Your name, the time and your comment are recorded in the audit log.`,
      button: 'Approve wave',
      busy: 'Approving…',
      commentRequired: true,
    },
  },
  reject: {
    label: 'Reject',
    color: 'secondary',
    variant: 'outlined',
    call: (api, id, comment) => api.rejectWave(id, comment ?? ''),
    failed: 'The wave was not rejected',
    confirm: {
      title: w => `Reject the wave to ${w.targetVersion} on ${w.batchId}?`,
      text: () =>
        'The merge request is closed and the wave is cancelled; no cluster changes. Your name, the time and your comment are recorded in the audit log.',
      button: 'Reject wave',
      busy: 'Rejecting…',
      commentRequired: true,
    },
  },
  pause: {
    label: 'Pause',
    color: 'default',
    variant: 'outlined',
    call: (api, id) => api.pauseWave(id),
    failed: 'The wave was not paused',
  },
  resume: {
    label: 'Resume',
    color: 'primary',
    variant: 'outlined',
    call: (api, id) => api.resumeWave(id),
    failed: 'The wave was not resumed',
  },
  rollback: {
    label: 'Roll back',
    color: 'secondary',
    variant: 'contained',
    call: (api, id, comment) => api.rollbackWave(id, comment),
    failed: 'The wave was not rolled back',
    confirm: {
      title: w => `Roll back ${w.batchId} to Istio ${w.previousVersion}?`,
      text: w =>
        `A rollback merge request returns the clusters of ${w.batchId} to Istio ${w.previousVersion}, and their workloads restart onto the previous sidecar. This cannot be undone from here.`,
      button: 'Roll back wave',
      busy: 'Rolling back…',
      commentRequired: false,
    },
  },
  cancel: {
    label: 'Cancel wave',
    color: 'secondary',
    variant: 'outlined',
    call: (api, id, comment) => api.cancelWave(id, comment),
    failed: 'The wave was not cancelled',
    confirm: {
      title: w => `Cancel the wave to ${w.targetVersion} on ${w.batchId}?`,
      // Not "no cluster changed": GitLab may show the merge request merged after all, and the wave then rolls back.
      text: () =>
        'The wave stops for good and its merge request, if any, is closed unmerged. Should GitLab show it merged after all, the wave follows that and rolls back. Start a new wave to try again.',
      button: 'Cancel the wave',
      busy: 'Cancelling…',
      commentRequired: false,
    },
  },
  retry: {
    label: 'Retry',
    color: 'primary',
    variant: 'contained',
    call: (api, id, comment) => api.retryWave(id, comment),
    failed: 'The wave was not retried',
    confirm: {
      title: w => `Retry the wave to ${w.targetVersion} on ${w.batchId}?`,
      text: w =>
        `The wave returns to ${statusLabel(
          w.attention?.from ?? w.status,
        )}, the step it stopped at, and that step is tried again${
          w.attention?.kind === 'merge-request-closed' &&
          w.attention.from === 'ROLLING_BACK'
            ? ' (the rollback merge request is opened again)'
            : ''
        }. Fix what stopped it first. Your name, the time and your comment are recorded in the audit log.`,
      button: 'Retry wave',
      busy: 'Retrying…',
      commentRequired: false,
    },
  },
};

/** What each way out of NEEDS_ATTENTION does, in a few words, for the wave page's alert. */
export function wayOutText(action: WaveAction, wave: Wave): string | undefined {
  const from = statusLabel(wave.attention?.from ?? wave.status);
  switch (action) {
    case 'approve':
      return `adopts the merge done in GitLab; the wave goes on from ${from}`;
    case 'retry':
      return `back to ${from}, the step it stopped at`;
    case 'rollback':
      return `a rollback merge request returns the clusters to Istio ${wave.previousVersion}`;
    case 'cancel':
      return 'stops the wave for good; its merge request is closed unmerged';
    default:
      return undefined;
  }
}

const ORDER: WaveAction[] = [
  'approve',
  'retry',
  'reject',
  'pause',
  'resume',
  'rollback',
  'cancel',
];

/** The actions whose buttons show, in the order they show. */
export function shownActions(
  actions: Record<WaveAction, WaveActionState>,
): WaveAction[] {
  return ORDER.filter(action => actions[action].available);
}

/** A button's label. */
export function actionLabel(action: WaveAction): string {
  return ACTIONS[action].label;
}

const useStyles = makeStyles(theme => ({
  buttons: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  reasons: {
    margin: theme.spacing(1, 0, 0),
    paddingLeft: 0,
    listStyle: 'none',
  },
}));

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

function ConfirmDialog(props: {
  wave: Wave;
  action?: WaveAction;
  onClose(): void;
  onApplied(wave: Wave): void;
}) {
  const { wave, action, onClose, onApplied } = props;
  const api = useApi(upgradeWavesApiRef);
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();
  const spec = action ? ACTIONS[action] : undefined;
  const confirm = spec?.confirm;
  const titleId = 'upgrade-waves-confirm-title';
  const blank = comment.trim() === '';
  const canSubmit = !submitting && !(confirm?.commentRequired && blank);

  const close = () => {
    if (submitting) return;
    setComment('');
    setError(undefined);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!spec || !canSubmit) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const updated = await spec.call(
        api,
        wave.id,
        blank ? undefined : comment.trim(),
      );
      setSubmitting(false);
      setComment('');
      onApplied(updated);
      onClose();
    } catch (e) {
      setSubmitting(false);
      setError(asError(e));
    }
  };

  return (
    <Dialog
      open={confirm !== undefined}
      onClose={close}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      {spec && confirm && (
        <form onSubmit={submit} noValidate>
          <DialogTitle id={titleId}>{confirm.title(wave)}</DialogTitle>
          <DialogContent>
            <DialogContentText>{confirm.text(wave)}</DialogContentText>
            <TextField
              id="upgrade-waves-action-comment"
              label={confirm.commentRequired ? 'Comment' : 'Comment (optional)'}
              required={confirm.commentRequired}
              value={comment}
              onChange={e => setComment(e.target.value)}
              helperText={
                confirm.commentRequired
                  ? 'Why: recorded in the audit log with your name.'
                  : 'Recorded in the audit log with your name.'
              }
              multiline
              minRows={2}
              fullWidth
              variant="outlined"
              disabled={submitting}
            />
            {error && (
              <Box mt={2}>
                <Alert severity="error">
                  {spec.failed}: {describeError(error)}
                </Alert>
              </Box>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={submitting}>
              Back
            </Button>
            <Button
              type="submit"
              variant="contained"
              color={spec.color === 'default' ? 'primary' : spec.color}
              disabled={!canSubmit}
            >
              {submitting ? confirm.busy : confirm.button}
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}

/**
 * The wave's buttons: Approve / Reject (with a required comment), Retry, Pause / Resume, Roll back and Cancel wave.
 * A button shows only while `waveActionAllowed` opens its action on the wave, and is disabled — with the reason as
 * its tooltip and as text under the buttons — when the user may not take it. Approve, Reject, Retry, Roll back and
 * Cancel ask first; errors show in place.
 */
export function WaveActions(props: {
  wave: Wave;
  actions: Record<WaveAction, WaveActionState>;
  onApplied(wave: Wave): void;
}) {
  const { wave, actions, onApplied } = props;
  const classes = useStyles();
  const api = useApi(upgradeWavesApiRef);
  const [open, setOpen] = useState<WaveAction>();
  const [running, setRunning] = useState<WaveAction>();
  const [error, setError] = useState<{ action: WaveAction; error: Error }>();

  const shown = shownActions(actions);
  if (shown.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No actions while the wave is {statusLabel(wave.status)}.
      </Typography>
    );
  }

  // One line per distinct reason, naming the buttons it disables; each button is described by its line.
  const reasons: Array<{ id: string; reason: string; labels: string[] }> = [];
  for (const action of shown) {
    const reason = actions[action].disabledReason;
    if (reason) {
      const line = reasons.find(r => r.reason === reason);
      if (line) line.labels.push(ACTIONS[action].label);
      else {
        reasons.push({
          id: `upgrade-waves-${wave.id}-reason-${reasons.length}`,
          reason,
          labels: [ACTIONS[action].label],
        });
      }
    }
  }
  const reasonIdOf = (action: WaveAction) =>
    reasons.find(r => r.reason === actions[action].disabledReason)?.id;

  const act = async (action: WaveAction) => {
    setError(undefined);
    if (ACTIONS[action].confirm) {
      setOpen(action);
      return;
    }
    setRunning(action);
    try {
      onApplied(await ACTIONS[action].call(api, wave.id, undefined));
    } catch (e) {
      setError({ action, error: asError(e) });
    } finally {
      setRunning(undefined);
    }
  };

  return (
    <>
      <div className={classes.buttons}>
        {shown.map(action => {
          const state = actions[action];
          const spec = ACTIONS[action];
          return (
            <ButtonWithReason
              key={action}
              variant={spec.variant}
              color={spec.color}
              disabled={state.loading || running !== undefined}
              disabledReason={state.disabledReason}
              reasonId={reasonIdOf(action)}
              onClick={() => act(action)}
            >
              {spec.label}
            </ButtonWithReason>
          );
        })}
      </div>
      {reasons.length > 0 && (
        <ul className={classes.reasons}>
          {reasons.map(({ id, reason, labels }) => (
            <Typography
              key={id}
              id={id}
              component="li"
              variant="body2"
              color="textSecondary"
            >
              {labels.join(', ')}: {reason}
            </Typography>
          ))}
        </ul>
      )}
      {error && (
        <Box mt={2}>
          <Alert severity="error" onClose={() => setError(undefined)}>
            {ACTIONS[error.action].failed}: {describeError(error.error)}
          </Alert>
        </Box>
      )}
      <ConfirmDialog
        wave={wave}
        action={open}
        onClose={() => setOpen(undefined)}
        onApplied={onApplied}
      />
    </>
  );
}
