/**
 * Kills child processes when this Node process goes away without calling
 * `stop()`: normal exit, an uncaught exception (Node still emits `exit`), or
 * SIGINT / SIGTERM / SIGHUP. A SIGKILL of Node itself cannot be intercepted.
 */

type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function runAll() {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // Best effort while exiting: one failure must not spare the others.
    }
  }
  cleanups.clear();
}

function install() {
  process.on('exit', runAll);
  for (const signal of SIGNALS) {
    const handler = () => {
      runAll();
      uninstall();
      // Listening for a signal disables Node's default "terminate"; re-raise it
      // so the process still ends, unless someone else also handles it.
      if (process.listenerCount(signal) === 0) {
        process.kill(process.pid, signal);
      }
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function uninstall() {
  process.off('exit', runAll);
  for (const [signal, handler] of signalHandlers) {
    process.off(signal, handler);
  }
  signalHandlers.clear();
}

/**
 * Registers a synchronous cleanup (it may only use sync calls such as
 * `process.kill` and `fs.rmSync`, as it can run inside the `exit` event).
 * Returns the function that unregisters it.
 */
export function registerExitCleanup(cleanup: SyncCleanup): () => void {
  if (cleanups.size === 0 && signalHandlers.size === 0) {
    install();
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) {
      uninstall();
    }
  };
}
