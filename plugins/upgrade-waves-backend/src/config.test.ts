import { ConfigReader } from '@backstage/config';
import { DEFAULT_TIMEOUTS, readTimeouts } from './config';

describe('readTimeouts', () => {
  it('defaults every timeout', () => {
    expect(readTimeouts(new ConfigReader({}))).toEqual({
      gitlabMs: 30_000,
      kubernetesMs: 30_000,
      metricsMs: 15_000,
      dynamodbMs: 10_000,
    });
    expect(readTimeouts(new ConfigReader({}))).toEqual(DEFAULT_TIMEOUTS);
  });

  it('reads upgradeWaves.timeouts, keeping the defaults of what it leaves out', () => {
    expect(
      readTimeouts(
        new ConfigReader({
          upgradeWaves: { timeouts: { gitlabMs: 5_000, dynamodbMs: 2_500 } },
        }),
      ),
    ).toEqual({
      gitlabMs: 5_000,
      kubernetesMs: 30_000,
      metricsMs: 15_000,
      dynamodbMs: 2_500,
    });
  });

  it('refuses a timeout that is not a positive number, naming it', () => {
    expect(() =>
      readTimeouts(
        new ConfigReader({ upgradeWaves: { timeouts: { kubernetesMs: 0 } } }),
      ),
    ).toThrow(
      'upgradeWaves.timeouts.kubernetesMs must be a positive number of milliseconds, not 0',
    );
    expect(() =>
      readTimeouts(
        new ConfigReader({ upgradeWaves: { timeouts: { metricsMs: -1 } } }),
      ),
    ).toThrow('upgradeWaves.timeouts.metricsMs');
  });
});
