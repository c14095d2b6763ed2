import { readWaveSignal } from './useUpgradeWavesSignal';

describe('readWaveSignal', () => {
  const signal = {
    waveId: 'wave-1',
    status: 'UPGRADING',
    type: 'wave-status',
    at: '2026-11-29T10:00:00.000Z',
  };

  it('reads a wave transition, with its cluster when it names one', () => {
    expect(readWaveSignal(signal)).toEqual(signal);
    expect(readWaveSignal({ ...signal, clusterId: 'test-1' })).toEqual({
      ...signal,
      clusterId: 'test-1',
    });
  });

  it.each([
    ['no object', 'wave-status'],
    ['null', null],
    ['an unknown status', { ...signal, status: 'EXPLODED' }],
    ['no wave id', { ...signal, waveId: 7 }],
    ['no time', { ...signal, at: undefined }],
  ])('rejects %s', (_what, message) => {
    expect(readWaveSignal(message)).toBeUndefined();
  });
});
