import type { WaveDetail } from '@fleetdeck/plugin-upgrade-waves-common';
import { ADA, waveDetail } from './fixtures';

/** The wave soaking: approved by ada, upgraded, restarts under way on test-2, the soak ending in 7 minutes. */
export function soakingWave(now: number = Date.now()): WaveDetail {
  const detail = waveDetail(
    {
      status: 'SOAKING',
      soakEndsAt: new Date(now + 7 * 60_000).toISOString(),
      decision: {
        decision: 'approved',
        by: ADA,
        at: '2026-11-29T10:05:00.000Z',
        comment: 'dev looked fine for a week',
      },
    },
    'POST_CHECK_RUNNING',
  );
  return {
    ...detail,
    mergeRequests: detail.mergeRequests.map(mr => ({
      ...mr,
      state: 'merged' as const,
    })),
    clusters: detail.clusters.map(c =>
      c.clusterId === 'test-2'
        ? {
            ...c,
            status: 'UPGRADING' as const,
            restart: { done: 3, total: 8 },
            message: 'restarting workloads in 2 namespaces',
          }
        : c,
    ),
  };
}
