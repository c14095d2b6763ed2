import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import type { ResponseError } from '@backstage/errors';

/** What an action asked upgrade-waves to do, to explain a refusal in terms the template user can act on. */
export interface UpgradeWavesCall {
  /** Completes "Could not …", e.g. `start an upgrade of batch 'dev-wave-1' to Istio 1.24.2`. */
  doing: string;
  /** The permissions the backend checks for this call. */
  permissions: string[];
}

/**
 * Runs a call to upgrade-waves and turns its HTTP refusals into the errors the scaffolder shows:
 * 400 → InputError, 403 → NotAllowedError, 404 → NotFoundError, 409 → ConflictError.
 * The backend's own message (which names the field or the state) is kept as the cause.
 */
export async function callUpgradeWaves<T>(
  call: UpgradeWavesCall,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw explainRefusal(error, call);
  }
}

// By name rather than instanceof: the client may come from another copy of @backstage/errors.
function isResponseError(error: unknown): error is ResponseError {
  return isError(error) && error.name === 'ResponseError';
}

export function explainRefusal(error: unknown, call: UpgradeWavesCall) {
  if (!isResponseError(error)) {
    return error;
  }
  const { statusCode, cause } = error;
  const { doing, permissions } = call;
  switch (statusCode) {
    case 400:
      return new InputError(`Could not ${doing}: invalid input`, cause);
    case 403: {
      const needed = permissions.map(p => `'${p}'`).join(' and ');
      return new NotAllowedError(
        `You are not allowed to ${doing}; it needs the ${needed} permission${
          permissions.length > 1 ? 's' : ''
        } in upgrade-waves`,
        cause,
      );
    }
    case 404:
      return new NotFoundError(`Could not ${doing}: not found`, cause);
    case 409:
      return new ConflictError(`Could not ${doing}: conflict`, cause);
    default:
      return error;
  }
}
