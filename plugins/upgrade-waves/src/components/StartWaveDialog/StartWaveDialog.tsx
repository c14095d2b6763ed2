import { FormEvent, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import Alert from '@material-ui/lab/Alert';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { ButtonWithReason, describeError } from '@fleetdeck/frontend-common';
import {
  Batch,
  StartWaveRequest,
  TERMINAL_WAVE_STATUSES,
  Wave,
  waveCreatePermission,
  waveOverrideOrderPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesApiRef } from '../../api';
import { newestFirst, VERSION_PATTERN } from '../versions';
import { useWaveLink } from '../WavesTable';

/** The longest soak a wave may ask for: a week. */
export const MAX_SOAK_SECONDS = 604800;

export const VERSION_ERROR = 'must be a version like 1.23.0';
export const SOAK_ERROR = `Soak (seconds) must be a whole number from 0 to ${MAX_SOAK_SECONDS}`;
const DISABLED_REASON_ID = 'upgrade-waves-start-disabled';
const TITLE_ID = 'upgrade-waves-start-title';

/** The versions the fleet knows: those its clusters run and those its waves went to, newest first. */
export function knownVersions(batches: Batch[], waves: Wave[]): string[] {
  return newestFirst([
    ...batches.flatMap(b => Object.keys(b.versions)),
    ...waves.map(w => w.targetVersion),
  ]);
}

/** The batches that have a wave the orchestrator still works on. */
function batchesWithActiveWave(waves: Wave[]): Set<string> {
  return new Set(
    waves
      .filter(w => !TERMINAL_WAVE_STATUSES.includes(w.status))
      .map(w => w.batchId),
  );
}

function soakError(soak: string): string | undefined {
  const valid = /^\d+$/.test(soak.trim()) && Number(soak) <= MAX_SOAK_SECONDS;
  return valid ? undefined : SOAK_ERROR;
}

/** The ordering prerequisite of the chosen batch and version, as the backend checks it on start. */
function Prerequisite(props: {
  state: ReturnType<typeof usePrerequisite>;
  override: boolean;
  onOverride(override: boolean): void;
}) {
  const { state, override, onOverride } = props;
  const overridePermission = usePermission({
    permission: waveOverrideOrderPermission,
  });
  if (state.loading) {
    return (
      <Typography variant="body2" color="textSecondary">
        Checking the rollout order…
      </Typography>
    );
  }
  if (state.error) {
    return (
      <Alert severity="warning">
        Could not check the rollout order: {describeError(state.error)}. The
        backend checks it again when the wave starts.
      </Alert>
    );
  }
  const prerequisite = state.value;
  if (!prerequisite) return null;
  if (prerequisite.satisfied) {
    return <Alert severity="success">{prerequisite.message}</Alert>;
  }
  let overrideControl = null;
  if (overridePermission.allowed) {
    overrideControl = (
      <FormControlLabel
        control={
          <Checkbox
            checked={override}
            onChange={e => onOverride(e.target.checked)}
          />
        }
        label="Override the rollout order"
      />
    );
  } else if (!overridePermission.loading) {
    overrideControl = (
      <Typography variant="body2">
        Starting out of rollout order needs the{' '}
        {waveOverrideOrderPermission.name} permission, which you do not have.
      </Typography>
    );
  }
  return (
    <Box>
      <Alert severity="warning">{prerequisite.message}</Alert>
      {overrideControl}
    </Box>
  );
}

function usePrerequisite(batchId: string, version: string, ready: boolean) {
  const api = useApi(upgradeWavesApiRef);
  return useAsync(
    async () => (ready ? api.getPrerequisite(batchId, version) : undefined),
    [api, batchId, version, ready],
  );
}

/** The dialog's form; mounted each time the dialog opens, so it starts afresh. */
function StartWaveForm(props: {
  batches: Batch[];
  waves: Wave[];
  onClose(): void;
}) {
  const { batches, waves, onClose } = props;
  const api = useApi(upgradeWavesApiRef);
  const navigate = useNavigate();
  const waveLink = useWaveLink();
  const ordered = useMemo(
    () => [...batches].sort((a, b) => a.order - b.order),
    [batches],
  );
  const busy = useMemo(() => batchesWithActiveWave(waves), [waves]);
  const versions = useMemo(
    () => knownVersions(batches, waves),
    [batches, waves],
  );
  const firstFree = ordered.find(b => !busy.has(b.batchId));

  const [batchId, setBatchId] = useState(firstFree?.batchId ?? '');
  const [version, setVersion] = useState('');
  const [soak, setSoak] = useState(String(firstFree?.soakSeconds ?? ''));
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();

  const targetVersion = version.trim();
  const versionValid = VERSION_PATTERN.test(targetVersion);
  const soakProblem = soakError(soak);
  const prerequisite = usePrerequisite(
    batchId,
    targetVersion,
    batchId !== '' && versionValid,
  );
  const blockedByOrder =
    prerequisite.value !== undefined &&
    !prerequisite.value.satisfied &&
    !override;
  const canStart =
    batchId !== '' &&
    versionValid &&
    !soakProblem &&
    !prerequisite.loading &&
    !blockedByOrder &&
    !submitting;

  const chooseBatch = (id: string) => {
    setBatchId(id);
    setOverride(false);
    const chosen = ordered.find(b => b.batchId === id);
    if (chosen) setSoak(String(chosen.soakSeconds));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canStart) return;
    const request: StartWaveRequest = {
      batchId,
      targetVersion,
      soakSeconds: Number(soak),
      ...(override && prerequisite.value?.satisfied === false
        ? { overrideOrder: true }
        : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setSubmitting(true);
    setError(undefined);
    try {
      const wave = await api.startWave(request);
      onClose();
      if (waveLink) navigate(waveLink(wave.id));
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setSubmitting(false);
    }
  };

  let versionHelp = 'One the fleet knows, or type another';
  if (targetVersion && !versionValid) versionHelp = VERSION_ERROR;

  return (
    <form onSubmit={submit} noValidate>
      <DialogTitle id={TITLE_ID}>Start a wave</DialogTitle>
      <DialogContent>
        <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
          <TextField
            id="upgrade-waves-start-batch"
            select
            label="Batch"
            value={batchId}
            onChange={e => chooseBatch(e.target.value)}
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            helperText="Batches in rollout order"
            fullWidth
          >
            <option value="" disabled>
              Choose a batch
            </option>
            {ordered.map(b => (
              <option
                key={b.batchId}
                value={b.batchId}
                disabled={busy.has(b.batchId)}
              >
                {busy.has(b.batchId)
                  ? `${b.batchId} (has an active wave)`
                  : b.batchId}
              </option>
            ))}
          </TextField>
          <Autocomplete
            id="upgrade-waves-start-version"
            freeSolo
            options={versions}
            inputValue={version}
            onInputChange={(_event, value) => setVersion(value ?? '')}
            renderInput={params => (
              <TextField
                {...params}
                label="Target version"
                error={Boolean(targetVersion) && !versionValid}
                helperText={versionHelp}
              />
            )}
          />
          {batchId !== '' && versionValid && (
            <Prerequisite
              state={prerequisite}
              override={override}
              onOverride={setOverride}
            />
          )}
          <TextField
            id="upgrade-waves-start-soak"
            label="Soak (seconds)"
            type="number"
            value={soak}
            onChange={e => setSoak(e.target.value)}
            inputProps={{ min: 0, max: MAX_SOAK_SECONDS, step: 1 }}
            error={Boolean(soakProblem)}
            helperText={
              soakProblem ??
              'How long the batch runs on the new version before it is validated'
            }
          />
          <TextField
            id="upgrade-waves-start-reason"
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            helperText="Optional; written to the audit log"
            multiline
            minRows={2}
          />
          {error && (
            <Alert severity="error">
              The wave was not started: {describeError(error)}
            </Alert>
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={submitting}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={!canStart}
        >
          Start
        </Button>
      </DialogActions>
    </form>
  );
}

/** The Start a wave dialog: batch, target version, the ordering prerequisite, soak and reason. */
export function StartWaveDialog(props: {
  open: boolean;
  onClose(): void;
  batches: Batch[];
  waves: Wave[];
}) {
  const { open, onClose, batches, waves } = props;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={TITLE_ID}
      fullWidth
      maxWidth="sm"
    >
      {open && (
        <StartWaveForm batches={batches} waves={waves} onClose={onClose} />
      )}
    </Dialog>
  );
}

/**
 * The Start wave button and its dialog. Disabled, with the reason as its tooltip and below it, without the
 * `upgrade-waves.wave.create` permission.
 */
export function StartWaveButton(props: { batches: Batch[]; waves: Wave[] }) {
  const { batches, waves } = props;
  const permission = usePermission({ permission: waveCreatePermission });
  const [open, setOpen] = useState(false);

  let disabledReason: string | undefined;
  if (permission.loading) {
    disabledReason = 'Checking whether you may start waves…';
  } else if (!permission.allowed) {
    disabledReason = `You need the ${waveCreatePermission.name} permission to start a wave.`;
  }

  return (
    <Box display="flex" flexDirection="column" alignItems="flex-end">
      <ButtonWithReason
        variant="contained"
        color="primary"
        startIcon={<PlayArrowIcon />}
        disabledReason={disabledReason}
        reasonId={DISABLED_REASON_ID}
        onClick={() => setOpen(true)}
      >
        Start wave
      </ButtonWithReason>
      {disabledReason && (
        <Typography
          id={DISABLED_REASON_ID}
          variant="caption"
          color="textSecondary"
        >
          {disabledReason}
        </Typography>
      )}
      <StartWaveDialog
        open={open}
        onClose={() => setOpen(false)}
        batches={batches}
        waves={waves}
      />
    </Box>
  );
}
