import fs from 'node:fs';
import path from 'node:path';

export const REDIS_SERVER_MISSING_MESSAGE =
  'redis-server not found on PATH: install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu)';

/**
 * The path of the `redis-server` binary, looked up on PATH (the same binary
 * runs sentinels with `--sentinel`).
 *
 * @throws Error with installation advice when PATH has no executable `redis-server`.
 */
export function findRedisServer(): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // Not in this directory (or not executable): keep looking.
    }
  }
  throw new Error(REDIS_SERVER_MISSING_MESSAGE);
}
