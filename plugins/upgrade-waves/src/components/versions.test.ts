import { compareVersions, newestFirst, VERSION_PATTERN } from './versions';

describe('versions', () => {
  it('orders by semver, not by text', () => {
    expect(
      newestFirst([
        '1.9.2',
        '1.10.0',
        '1.23.0',
        '1.23.0-rc.1',
        '1.9.2',
        '2.0.0-beta.10',
        '2.0.0-beta.2',
      ]),
    ).toEqual([
      '2.0.0-beta.10',
      '2.0.0-beta.2',
      '1.23.0',
      '1.23.0-rc.1',
      '1.10.0',
      '1.9.2',
    ]);
    expect(compareVersions('1.22.3', '1.22.3')).toBe(0);
  });

  it('accepts versions like 1.23.0 and rejects anything else', () => {
    for (const valid of ['1.23.0', '0.0.1', '1.24.0-rc.1', '1.2.3-alpha-1']) {
      expect(VERSION_PATTERN.test(valid)).toBe(true);
    }
    for (const invalid of [
      '1.23',
      'v1.23.0',
      '1.23.0-',
      '1.23.0 ',
      'latest',
      '',
    ]) {
      expect(VERSION_PATTERN.test(invalid)).toBe(false);
    }
  });
});
