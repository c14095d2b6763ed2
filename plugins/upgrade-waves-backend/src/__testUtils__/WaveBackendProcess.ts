import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';
import type { WaveBackendOptions } from './startWaveBackend';

/** dev/waveBackendProcess.ts in a child process: a backend that a test can kill outright and start again. */
export class WaveBackendProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(
    options: WaveBackendOptions,
    timeoutMs = 90_000,
  ): Promise<WaveBackendProcess> {
    const script = resolvePackagePath(
      '@fleetdeck/plugin-upgrade-waves-backend',
      'dev/waveBackendProcess.ts',
    );
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        script,
      ],
      {
        env: {
          ...process.env,
          FLEETDECK_WAVE_BACKEND: JSON.stringify(options),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`backend did not start in ${timeoutMs} ms:\n${output}`),
        );
      }, timeoutMs);
      child.stderr!.on('data', chunk => {
        output = (output + chunk).slice(-20_000);
      });
      child.stdout!.on('data', chunk => {
        output = (output + chunk).slice(-20_000);
        const line = output.split('\n').find(l => l.startsWith('{"url"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url);
        }
      });
      child.on('exit', code => {
        clearTimeout(timer);
        reject(new Error(`backend exited with ${code}:\n${output}`));
      });
    });
    const started = new WaveBackendProcess(child, url);
    started.output = output;
    child.stdout!.on('data', chunk => {
      started.output = (started.output + chunk).slice(-20_000);
    });
    child.stderr!.on('data', chunk => {
      started.output = (started.output + chunk).slice(-20_000);
    });
    return started;
  }

  /** The last lines the process wrote, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hooks, no chance to finish what it was doing. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill(signal);
    });
  }
}
