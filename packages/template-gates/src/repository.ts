import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The Fleetdeck repository root: the nearest folder up from `from` that holds backstage.json. */
export function repositoryRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  while (!existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`not inside the Fleetdeck repository: ${from}`);
    }
    dir = parent;
  }
  return dir;
}

/** Every `templates/<name>/` folder that holds a template.yaml, sorted by name. */
export function templateFolderPaths(root: string = repositoryRoot()): string[] {
  const templatesDir = path.join(root, 'templates');
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => path.join(templatesDir, entry.name))
    .filter(dir => existsSync(path.join(dir, 'template.yaml')))
    .sort();
}
