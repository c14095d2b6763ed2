/*
 * Runs a bench worker (bench/workers/<name>.cts) in a child process with Backstage's transform, so it can load
 * the plugins' TypeScript the way the sandbox CLI does, and resolves with the JSON of the last line it prints.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export function runWorker<T>(name: string, args: string[]): Promise<T> {
  const worker = path.join(here, 'workers', name);
  const transform = createRequire(import.meta.url).resolve(
    '@backstage/cli/config/nodeTransform.cjs',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', transform, worker, ...args],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', code => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${name} exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${name} printed no result: ${last}`));
      }
    });
  });
}
