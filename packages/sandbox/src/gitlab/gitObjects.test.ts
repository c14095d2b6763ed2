import { execFile } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  commitObject,
  FileMode,
  parseCommit,
  REGULAR_FILE,
  snapshotTrees,
} from './gitObjects';
import { blobId } from './Repository';

const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: devNull,
    },
  });
  return stdout.trim();
}

describe('git objects', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fleetdeck-objects-'));
    await git(dir, 'init', '--quiet');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a snapshot the tree ids git gives it, in git’s entry order and with file modes', async () => {
    // names that sort differently as folders ('a/') and as files ('a.b', 'a-c', 'a0')
    const files = new Map<string, string>([
      ['a/b.txt', 'b\n'],
      ['a/deep/c.txt', 'c\n'],
      ['a.b', 'dot\n'],
      ['a-c', 'dash\n'],
      ['a0', 'zero\n'],
      ['run.sh', '#!/bin/sh\n'],
      ['link', 'a/b.txt'],
      ['ünïcode.md', 'ü\n'],
    ]);
    const modes = new Map<string, FileMode>([
      ['run.sh', '100755'],
      ['link', '120000'],
    ]);
    for (const [file, content] of files) {
      const target = path.join(dir, file);
      await mkdir(path.dirname(target), { recursive: true });
      if (file === 'link') await symlink(content, target);
      else await writeFile(target, content);
    }
    await chmod(path.join(dir, 'run.sh'), 0o755);
    await git(dir, 'add', '.');

    const trees = snapshotTrees(
      files,
      file => modes.get(file) ?? REGULAR_FILE,
      blobId,
    );
    expect(trees.get('')!.id).toBe(await git(dir, 'write-tree'));
    expect(trees.get('a/deep')!.id).toBe(
      await git(dir, 'rev-parse', `${await git(dir, 'write-tree')}:a/deep`),
    );
  });

  it('writes a commit git reads back field by field, and reads git’s own commits', async () => {
    await writeFile(path.join(dir, 'x'), 'x\n');
    await git(dir, 'add', '.');
    const tree = await git(dir, 'write-tree');
    const signature = {
      name: 'Fleetdeck Bot',
      email: 'bot@fleetdeck.invalid',
      time: 1700000000,
      timezone: '+0000',
    };
    const object = commitObject({
      tree,
      parents: [],
      author: signature,
      committer: signature,
      message: 'Initial commit',
    });
    const written = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        'git',
        ['hash-object', '-t', 'commit', '-w', '--stdin'],
        { cwd: dir },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      );
      child.stdin!.end(object.body);
    });
    expect(written).toBe(object.id);
    expect(
      await git(dir, 'log', '-1', '--format=%an <%ae> %at %s', object.id),
    ).toBe('Fleetdeck Bot <bot@fleetdeck.invalid> 1700000000 Initial commit');

    const parsed = parseCommit(
      Buffer.from(await git(dir, 'cat-file', 'commit', object.id)),
    );
    expect(parsed).toEqual({
      tree,
      parents: [],
      author: signature,
      committer: signature,
      message: 'Initial commit',
    });
  });
});
