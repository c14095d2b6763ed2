import '@testing-library/jest-dom';

// recharts' ResponsiveContainer measures its parent with a ResizeObserver, which jsdom lacks. This one reports a
// fixed box at once, so the charts draw their areas and bars in tests as they do in a browser.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    constructor(private readonly onResize: ResizeObserverCallback) {}

    observe(target: Element) {
      const contentRect = { width: 800, height: 280 } as DOMRectReadOnly;
      this.onResize(
        [{ target, contentRect } as ResizeObserverEntry],
        this as unknown as ResizeObserver,
      );
    }

    unobserve() {}

    disconnect() {}
  };
}
