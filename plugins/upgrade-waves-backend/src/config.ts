import type { Config } from '@backstage/config';
import type { OrchestratorOptions } from './orchestrator/types';
import type { UpgradeWavesSettings } from './service/UpgradeWavesService';

/** How long one request to each remote system may take, in milliseconds. */
export interface RemoteCallTimeouts {
  gitlabMs: number;
  kubernetesMs: number;
  metricsMs: number;
  dynamodbMs: number;
}

/** The defaults of `upgradeWaves.timeouts` (see config.d.ts); clients built without config use them too. */
export const DEFAULT_TIMEOUTS: Readonly<RemoteCallTimeouts> = Object.freeze({
  gitlabMs: 30_000,
  kubernetesMs: 30_000,
  metricsMs: 15_000,
  dynamodbMs: 10_000,
});

/** `upgradeWaves.timeouts`, each a positive number of milliseconds. */
export function readTimeouts(root: Config): RemoteCallTimeouts {
  const timeouts = root.getOptionalConfig('upgradeWaves.timeouts');
  const read = (key: keyof RemoteCallTimeouts): number => {
    const value = timeouts?.getOptionalNumber(key) ?? DEFAULT_TIMEOUTS[key];
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new Error(
        `upgradeWaves.timeouts.${key} must be a positive number of milliseconds, not ${value}`,
      );
    }
    return value;
  };
  return {
    gitlabMs: read('gitlabMs'),
    kubernetesMs: read('kubernetesMs'),
    metricsMs: read('metricsMs'),
    dynamodbMs: read('dynamodbMs'),
  };
}

/** Everything the plugin reads from `upgradeWaves`, read in one place (the parts with their own readers aside). */
export interface UpgradeWavesConfig {
  settings: UpgradeWavesSettings;
  orchestrator: OrchestratorOptions;
  orchestratorFrequencySeconds: number;
  orchestratorTimeoutSeconds: number;
  approvers: string[];
  checks: { concurrency: number; timeoutMs: number };
  restartConcurrency: number;
  timeouts: RemoteCallTimeouts;
}

export function readUpgradeWavesConfig(root: Config): UpgradeWavesConfig {
  const config = root.getOptionalConfig('upgradeWaves');
  const batches = config?.getOptionalConfigArray('batches') ?? [];
  const soakSeconds: Record<string, number> = {};
  for (const b of batches) {
    const soak = b.getOptionalNumber('soakSeconds');
    if (soak !== undefined) soakSeconds[b.getString('id')] = soak;
  }
  const mergeMode = config?.getOptionalString('mergeMode') ?? 'auto';
  if (mergeMode !== 'auto' && mergeMode !== 'manual') {
    throw new Error(
      `upgradeWaves.mergeMode must be 'auto' or 'manual', not '${mergeMode}'`,
    );
  }
  return {
    settings: {
      batchOrder: batches.map(b => b.getString('id')),
      soakSeconds,
      defaultSoakSeconds: config?.getOptionalNumber('soakSeconds') ?? 3600,
      thresholds: {
        maxErrorRateIncrease:
          config?.getOptionalNumber('thresholds.maxErrorRateIncrease') ?? 0.01,
        maxLatencyIncreasePercent:
          config?.getOptionalNumber('thresholds.maxLatencyIncreasePercent') ??
          20,
        minRequestRate:
          config?.getOptionalNumber('thresholds.minRequestRate') ?? 1,
      },
      allowSelfApproval:
        config?.getOptionalBoolean('approval.allowSelfApproval') ?? false,
    },
    orchestrator: {
      mergeMode,
      autoMergeRollback:
        config?.getOptionalBoolean('rollback.autoMerge') ?? true,
      istiodTimeoutSeconds:
        config?.getOptionalNumber('istiodTimeoutSeconds') ?? 900,
      gitlabMergeApproves:
        config?.getOptionalBoolean('approval.gitlabMergeApproves') ?? false,
      allowSelfApproval:
        config?.getOptionalBoolean('approval.allowSelfApproval') ?? false,
      attentionAfterFailures:
        config?.getOptionalNumber('attentionAfterFailures') ?? 10,
    },
    orchestratorFrequencySeconds:
      config?.getOptionalNumber('orchestratorFrequencySeconds') ?? 2,
    orchestratorTimeoutSeconds:
      config?.getOptionalNumber('orchestratorTimeoutSeconds') ?? 30,
    approvers: config?.getOptionalStringArray('approval.approvers') ?? [],
    checks: {
      concurrency: config?.getOptionalNumber('checks.concurrency') ?? 10,
      timeoutMs:
        (config?.getOptionalNumber('checks.timeoutSeconds') ?? 30) * 1000,
    },
    restartConcurrency: config?.getOptionalNumber('restart.concurrency') ?? 5,
    timeouts: readTimeouts(root),
  };
}
