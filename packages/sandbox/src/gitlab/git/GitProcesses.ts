import { ChildProcess, spawn } from 'node:child_process';
import { devNull } from 'node:os';

/** A git command that ended with a non-zero status. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed (${code}): ${stderr.trim()}`);
  }
}

/**
 * The git processes of one sandbox: each runs with the machine's and the user's git
 * configuration left out, so a developer's settings cannot change what the sandbox does, and
 * each is known until it ends, so that stopping the sandbox can end them.
 */
export class GitProcesses {
  readonly #children = new Set<ChildProcess>();

  /** Starts `git <args>`; `env` is added to the isolated environment. */
  spawn(
    args: readonly string[],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ): ChildProcess {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? devNull,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: devNull,
        GIT_TERMINAL_PROMPT: '0',
        LANG: 'C',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#children.add(child);
    child.once('close', () => this.#children.delete(child));
    // a child that ends before reading all its input closes the pipe; its exit status tells
    child.stdin?.on('error', () => {});
    return child;
  }

  /** Runs `git <args>` in `gitDir` (a bare repository) and resolves with its output. */
  run(
    gitDir: string,
    args: readonly string[],
    input?: string | Buffer,
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(args, { env: { GIT_DIR: gitDir } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', chunk => out.push(chunk));
      child.stderr!.on('data', chunk => err.push(chunk));
      child.once('error', reject);
      child.once('close', code => {
        if (code === 0) resolve(Buffer.concat(out));
        else
          reject(
            new GitCommandError(args, code, Buffer.concat(err).toString()),
          );
      });
      child.stdin!.end(input);
    });
  }

  /** Ends every git process still running. */
  killAll(): void {
    for (const child of this.#children) child.kill('SIGKILL');
  }

  running(): number {
    return this.#children.size;
  }
}
