import Alert from '@material-ui/lab/Alert';

/** Shown when the app has no signal API: the page then changes only when reloaded. */
export function LiveUpdatesNote(props: { live: boolean }) {
  if (props.live) return null;
  return (
    <Alert severity="info">
      Live updates are off: this app has no signals API (the
      @backstage/plugin-signals frontend plugin). Reload the page to see
      changes.
    </Alert>
  );
}
