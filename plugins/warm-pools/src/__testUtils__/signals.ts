import { fakeSignalApi as fakeSignals } from '@fleetdeck/frontend-common/testUtils';
import { PoolSignal, PoolSummary } from '@fleetdeck/plugin-warm-pools-common';

/** A SignalApi that a test pushes messages through, with a helper for pool changes. */
export function fakeSignalApi() {
  const signals = fakeSignals();
  return {
    ...signals,
    /** Pushes a pool-changed signal. */
    poolChanged(channel: string, pool: PoolSummary) {
      const signal: PoolSignal = { type: 'pool-changed', pool };
      signals.push(channel, signal);
    },
  };
}
