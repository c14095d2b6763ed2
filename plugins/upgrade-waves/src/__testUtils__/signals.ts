import { fakeSignalApi as fakeSignals } from '@fleetdeck/frontend-common/testUtils';
import { WaveSignal } from '@fleetdeck/plugin-upgrade-waves-common';

/** A SignalApi that a test pushes messages through, with a helper for wave transitions. */
export function fakeSignalApi() {
  const signals = fakeSignals();
  return {
    ...signals,
    /** Pushes a wave transition, as the backend publishes it. */
    transitioned(channel: string, signal: Omit<WaveSignal, 'at'>) {
      signals.push(channel, { at: new Date().toISOString(), ...signal });
    },
  };
}
