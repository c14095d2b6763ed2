/**
 * For tests in jsdom, which has no ResizeObserver: recharts' ResponsiveContainer measures its parent with one. This
 * stand-in reports a fixed box at once, so charts draw their lines, areas and bars in tests as they do in a browser.
 * Call it from a package's `setupTests.ts`; it leaves a real ResizeObserver alone.
 */
export function installFixedSizeResizeObserver(
  size: { width: number; height: number } = { width: 800, height: 280 },
): void {
  if (typeof globalThis.ResizeObserver !== 'undefined') return;
  class FixedSizeResizeObserver {
    constructor(private readonly onResize: ResizeObserverCallback) {}

    observe(target: Element) {
      const contentRect = { ...size } as DOMRectReadOnly;
      this.onResize(
        [{ target, contentRect } as ResizeObserverEntry],
        this as unknown as ResizeObserver,
      );
    }

    unobserve() {}

    disconnect() {}
  }
  Object.defineProperty(globalThis, 'ResizeObserver', {
    value: FixedSizeResizeObserver,
    writable: true,
    configurable: true,
  });
}
