import { installFixedSizeResizeObserver } from './testing';

describe('installFixedSizeResizeObserver', () => {
  const original = Object.getOwnPropertyDescriptor(
    globalThis,
    'ResizeObserver',
  );

  afterEach(() => {
    delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
    if (original) Object.defineProperty(globalThis, 'ResizeObserver', original);
  });

  it('reports the fixed size of an observed element at once', () => {
    delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
    installFixedSizeResizeObserver({ width: 640, height: 200 });
    const sizes: Array<{ width: number; height: number }> = [];
    const target = document.createElement('div');

    new ResizeObserver(entries =>
      entries.forEach(({ contentRect }) =>
        sizes.push({ width: contentRect.width, height: contentRect.height }),
      ),
    ).observe(target);

    expect(sizes).toEqual([{ width: 640, height: 200 }]);
  });

  it('leaves a ResizeObserver that is already there alone', () => {
    class RealResizeObserver {}
    Object.defineProperty(globalThis, 'ResizeObserver', {
      value: RealResizeObserver,
      writable: true,
      configurable: true,
    });

    installFixedSizeResizeObserver();

    expect(globalThis.ResizeObserver).toBe(RealResizeObserver);
  });
});
