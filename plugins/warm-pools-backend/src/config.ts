import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_EMPTY_PROBABILITY_TARGET } from './sizing/sizingAdvice';

/** `warmPools.*` beyond what `PoolTracker.fromConfig` reads (clusters, labels, targets). */
export interface WarmPoolsSettings {
  sizing: { emptyProbabilityTarget: number };
  history: { intervalSeconds: number; retentionDays: number };
  watch: { idleTimeoutSeconds: number };
}

function read(
  config: Config,
  key: string,
  fallback: number,
  valid: (n: number) => boolean,
  expected: string,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!valid(value)) {
    throw new InputError(`${key} must be ${expected}, got ${value}`);
  }
  return value;
}

/** Reads and checks the plugin's settings, naming the key of anything invalid. */
export function readWarmPoolsConfig(config: Config): WarmPoolsSettings {
  return {
    sizing: {
      emptyProbabilityTarget: read(
        config,
        'warmPools.sizing.emptyProbabilityTarget',
        DEFAULT_EMPTY_PROBABILITY_TARGET,
        n => n > 0 && n < 1,
        'a probability above 0 and below 1',
      ),
    },
    history: {
      intervalSeconds: read(
        config,
        'warmPools.history.intervalSeconds',
        10,
        n => Number.isInteger(n) && n >= 1 && n <= 3600,
        'a whole number of seconds from 1 to 3600',
      ),
      retentionDays: read(
        config,
        'warmPools.history.retentionDays',
        7,
        n => n > 0 && n <= 3650,
        'a number of days above 0 (at most 3650)',
      ),
    },
    watch: {
      idleTimeoutSeconds: read(
        config,
        'warmPools.watch.idleTimeoutSeconds',
        180,
        n => n > 0 && n <= 86400,
        'a number of seconds above 0 (at most 86400)',
      ),
    },
  };
}
