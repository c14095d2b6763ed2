/**
 * Polls `probe` until it returns something other than undefined or false, and resolves with it; rejects naming
 * `what` after `timeoutMs`. For tests that wait on the sandbox's controllers or on a client's watch.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}
