import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a small rendered project to a temporary folder; returns its root, file list and a cleanup. */
export function writeProject(files: Record<string, string>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'template-gates-test-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return {
    root,
    files: Object.keys(files).sort(),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
