/** Polls `check` until it returns a value other than undefined; fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${
          lastError ? `: ${lastError}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
