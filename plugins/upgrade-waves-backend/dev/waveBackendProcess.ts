/*
 * A backend process with the upgrade-waves plugin alone, for tests that kill it (SIGKILL) and start it
 * again, or run two of them on one database. Options come as JSON in FLEETDECK_WAVE_BACKEND (see
 * WaveBackendOptions); the process prints one JSON line `{ "url": ... }` once it serves requests.
 */
import { startWaveBackend } from '../src/__testUtils__/startWaveBackend';

startWaveBackend(JSON.parse(process.env.FLEETDECK_WAVE_BACKEND ?? '{}')).then(
  backend => {
    process.stdout.write(`${JSON.stringify({ url: backend.url })}\n`);
    process.on('SIGTERM', () => {
      backend.stop().finally(() => process.exit(0));
    });
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
