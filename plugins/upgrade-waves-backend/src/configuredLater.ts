import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';

/**
 * Builds a part from config; when the config is missing or wrong, the backend still starts (the portal is
 * usable for browsing) and every call of the part fails with the config error, so the step or check that
 * needs it reports why instead of the whole backend refusing to boot.
 */
export function configuredLater<T extends object>(
  what: string,
  make: () => T,
  logger: LoggerService,
): T {
  try {
    return make();
  } catch (error) {
    const reason = new Error(
      `${what} is not configured: ${stringifyError(error)}`,
    );
    logger.warn(reason.message);
    return new Proxy({} as T, {
      get: () => () => Promise.reject(reason),
    });
  }
}
