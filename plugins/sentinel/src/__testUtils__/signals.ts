import { fakeSignalApi as fakeSignals } from '@fleetdeck/frontend-common/testUtils';
import { SentinelSignal } from '@fleetdeck/plugin-sentinel-common';

/** A SignalApi the test publishes on, as the signals backend would push to the browser. */
export function fakeSignalApi() {
  const signals = fakeSignals();
  return {
    api: signals.api,
    channels: signals.channels,
    publish(channel: string, signal: SentinelSignal) {
      signals.push(channel, signal);
    },
  };
}
