import { errorName } from '../gitlab/errors';
import type { WaveAttentionKind } from '@fleetdeck/plugin-upgrade-waves-common';

/** What a failed step means for the wave: stop for a person now, or try again. */
export type StepFailure =
  | { permanent: true; kind: WaveAttentionKind; reason: string }
  | { permanent: false; reason: string };

/**
 * Sorts a step's failure. GitLab refusing a request (a merge that needs a pipeline to pass or approvals, a
 * protected branch, a file that is not there, nothing to merge), its access being refused, or a cluster gone from
 * the registry will not mend by waiting: a person must look. Anything else (GitLab or a cluster unreachable,
 * 429/5xx, a timeout) may pass and is retried.
 */
export function classifyStepFailure(error: unknown): StepFailure {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'ConflictError':
    case 'InputError':
    case 'NotFoundError':
      return {
        permanent: true,
        kind: /gitlab/i.test(message) ? 'gitlab-refused' : 'step-failed',
        reason: message,
      };
    case 'GitLabAccessError':
      return { permanent: true, kind: 'gitlab-refused', reason: message };
    default:
      if (/is no longer registered/.test(message)) {
        return { permanent: true, kind: 'step-failed', reason: message };
      }
      return { permanent: false, reason: message };
  }
}
