import { ConfigReader } from '@backstage/config';
import { readWarmPoolsConfig } from './config';

describe('readWarmPoolsConfig', () => {
  it('defaults to a 1% empty-pool target, a point every 10 s and 7 days of history', () => {
    expect(readWarmPoolsConfig(new ConfigReader({}))).toEqual({
      sizing: { emptyProbabilityTarget: 0.01 },
      history: { intervalSeconds: 10, retentionDays: 7 },
      watch: { idleTimeoutSeconds: 180 },
    });
  });

  it('reads what is configured', () => {
    expect(
      readWarmPoolsConfig(
        new ConfigReader({
          warmPools: {
            sizing: { emptyProbabilityTarget: 0.001 },
            history: { intervalSeconds: 30, retentionDays: 0.5 },
            watch: { idleTimeoutSeconds: 0.5 },
          },
        }),
      ),
    ).toEqual({
      sizing: { emptyProbabilityTarget: 0.001 },
      history: { intervalSeconds: 30, retentionDays: 0.5 },
      watch: { idleTimeoutSeconds: 0.5 },
    });
  });

  it.each([
    [
      { sizing: { emptyProbabilityTarget: 0 } },
      'sizing.emptyProbabilityTarget',
    ],
    [
      { sizing: { emptyProbabilityTarget: 1 } },
      'sizing.emptyProbabilityTarget',
    ],
    [{ history: { intervalSeconds: 2.5 } }, 'history.intervalSeconds'],
    [{ history: { intervalSeconds: 0 } }, 'history.intervalSeconds'],
    [{ history: { retentionDays: -1 } }, 'history.retentionDays'],
    [{ watch: { idleTimeoutSeconds: 0 } }, 'watch.idleTimeoutSeconds'],
  ])('rejects %j naming the key', (warmPools, key) => {
    expect(() => readWarmPoolsConfig(new ConfigReader({ warmPools }))).toThrow(
      `warmPools.${key} must be`,
    );
  });
});
