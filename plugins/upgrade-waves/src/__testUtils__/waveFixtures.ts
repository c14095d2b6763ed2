import type {
  WaveAttentionKind,
  WaveDetail,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';
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

const REASONS: Record<WaveAttentionKind, string> = {
  'gitlab-refused':
    'GitLab refused to merge !7: 405 Method Not Allowed (the pipeline must succeed first)',
  'merge-request-closed': 'merge request !7 was closed in GitLab by linus',
  'unapproved-merge':
    'merge request !7 was merged in GitLab by linus without an approval',
  'repeated-failure':
    'GitLab unreachable: connect ECONNREFUSED 127.0.0.1:8929 (10 attempts in a row)',
  'step-failed': 'the HelmRelease clusters/test-1/istio/istiod.yaml is missing',
};

/**
 * The wave stopped for a person (NEEDS_ATTENTION) in `from`: why (`kind`, `reason`) and whether its upgrade may be
 * merged. An unapproved merge has its merge request merged by someone in GitLab.
 */
export function needsAttentionWave(
  kind: WaveAttentionKind,
  options: { upgradeMerged?: boolean; from?: WaveStatus; reason?: string } = {},
): WaveDetail {
  const upgradeMerged = options.upgradeMerged ?? kind === 'unapproved-merge';
  const from =
    options.from ??
    (kind === 'unapproved-merge' ? 'AWAITING_APPROVAL' : 'MERGING');
  const reason = options.reason ?? REASONS[kind];
  const detail = waveDetail({
    status: 'NEEDS_ATTENTION',
    reason,
    attention: {
      from,
      kind,
      reason,
      since: '2026-11-29T10:07:00.000Z',
      upgradeMerged,
    },
  });
  return {
    ...detail,
    mergeRequests: detail.mergeRequests.map(mr => {
      if (kind === 'unapproved-merge') {
        return { ...mr, state: 'merged' as const, mergedBy: 'linus' };
      }
      if (kind === 'merge-request-closed') {
        return { ...mr, state: 'closed' as const, closedBy: 'linus' };
      }
      return mr;
    }),
  };
}
