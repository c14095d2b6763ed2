import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer } from './findRedisServer';
import { SentinelTopology } from './SentinelTopology';

describe('findRedisServer', () => {
  const originalPath = process.env.PATH;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-path-'));
  });

  afterEach(() => {
    process.env.PATH = originalPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the real redis-server on PATH', () => {
    expect(fs.realpathSync(findRedisServer())).toBe(
      fs.realpathSync('/usr/bin/redis-server'),
    );
  });

  it('throws one clear error when PATH has no redis-server', () => {
    process.env.PATH = dir;
    expect(() => findRedisServer()).toThrow(
      new Error(
        'redis-server not found on PATH: install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu)',
      ),
    );
  });

  it('skips a redis-server that is not executable and takes the next on PATH', () => {
    const notExecutable = path.join(dir, 'a');
    const executable = path.join(dir, 'b');
    fs.mkdirSync(notExecutable);
    fs.mkdirSync(executable);
    fs.writeFileSync(path.join(notExecutable, 'redis-server'), '', {
      mode: 0o644,
    });
    fs.writeFileSync(path.join(executable, 'redis-server'), '#!/bin/sh\n', {
      mode: 0o755,
    });
    process.env.PATH = [notExecutable, executable].join(path.delimiter);
    expect(findRedisServer()).toBe(path.join(executable, 'redis-server'));
  });

  it('makes SentinelTopology.start fail with the same message', async () => {
    process.env.PATH = dir;
    await expect(SentinelTopology.start()).rejects.toThrow(
      'redis-server not found on PATH',
    );
  });
});
