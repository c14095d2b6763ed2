import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Parses a body or query with zod; anything invalid becomes an InputError (a 400) that names every bad
 * field, so user input never reaches a handler unchecked and never causes a 500.
 */
export function parseRequest<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return `${issue.keys.join(', ')}: not a known field`;
      }
      return `${issue.path.join('.') || what}: ${issue.message}`;
    });
    throw new InputError(`invalid ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Who made a request, for audit logs: `user:default/ada`, or `service:<subject>` for a service on its own behalf. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return `service:${principal.subject ?? 'unknown'}`;
}

/**
 * Express error middleware: a body that is not JSON (express.json's `entity.parse.failed`) becomes an
 * InputError, so it gets a 400 naming the problem instead of a 500.
 */
export function notJsonIsBadRequest(
  error: Error & { type?: string },
  _req: unknown,
  _res: unknown,
  next: (error: Error) => void,
): void {
  next(
    error.type === 'entity.parse.failed'
      ? new InputError(`request body: not valid JSON (${error.message})`)
      : error,
  );
}
