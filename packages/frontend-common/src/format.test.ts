import { formatDuration, formatTime } from './format';

describe('formatDuration', () => {
  it.each([
    [850.4, '850 ms'],
    [12_345, '12.3 s'],
    [125_000, '2 min 5 s'],
    [180_000, '3 min'],
  ])('says %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatTime', () => {
  it('says a timestamp in the reader’s locale', () => {
    const iso = '2025-06-01T09:00:08.000Z';

    expect(formatTime(iso)).toBe(new Date(iso).toLocaleString());
  });
});
