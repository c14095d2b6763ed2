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
        // with the object's path, so a nested one reads `access.url`
        return `${issue.keys
          .map(key => [...issue.path, key].join('.'))
          .join(', ')}: not a known field`;
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

/**
 * Where in a JSON value a string holds a NUL character, as a field path (`gitops.paths.0`), if anywhere. A loop,
 * not recursion: a body may nest thousands of levels deep.
 */
function nulAt(body: unknown): string | undefined {
  // Each entry links to its parent's, so the path is only spelt out for a hit.
  type Place = { key?: string; parent?: Place };
  const pending: Array<[unknown, Place]> = [[body, {}]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, place] = next;
    if (typeof value === 'string' && value.includes('\u0000')) {
      const keys: string[] = [];
      for (
        let p: Place | undefined = place;
        p?.key !== undefined;
        p = p.parent
      ) {
        keys.unshift(p.key);
      }
      return keys.join('.') || 'body';
    }
    if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        pending.push([child, { key, parent: place }]);
      }
    }
  }
  return undefined;
}

/**
 * Express middleware, after express.json: a NUL character in the path, the query or a body string becomes an
 * InputError (a 400 naming where). PostgreSQL refuses NUL in text, even in a lookup, so it would otherwise be a 500.
 */
export function nulIsBadRequest(
  req: { originalUrl: string; body?: unknown },
  _res: unknown,
  next: (error?: Error) => void,
): void {
  if (/%00/.test(req.originalUrl)) {
    next(new InputError('path or query: must not contain a NUL character'));
    return;
  }
  const field = nulAt(req.body);
  next(
    field === undefined
      ? undefined
      : new InputError(`${field}: must not contain a NUL character`),
  );
}
