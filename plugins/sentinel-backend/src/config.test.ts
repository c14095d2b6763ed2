import { ConfigReader } from '@backstage/config';
import { readSentinelConfig } from './config';

describe('readSentinelConfig', () => {
  it('reads groups and applies the defaults', () => {
    const settings = readSentinelConfig(
      new ConfigReader({
        sentinel: {
          groups: [
            {
              name: 'session-store',
              masterName: 'sessions',
              sentinels: ['127.0.0.1:26379', '[::1]:26380'],
            },
          ],
        },
      }),
    );
    expect(settings).toEqual({
      groups: [
        {
          name: 'session-store',
          masterName: 'sessions',
          sentinels: [
            { host: '127.0.0.1', port: 26379 },
            { host: '::1', port: 26380 },
          ],
          auth: undefined,
          sentinelAuth: undefined,
          tls: undefined,
        },
      ],
      pollIntervalMs: 5000,
      commandTimeoutMs: 2000,
      reconnect: { minDelayMs: 500, maxDelayMs: 30000 },
      lag: { sampleIntervalMs: 10000, retentionDays: 7 },
      sessionStore: {
        enabled: true,
        intervalMs: 60000,
        commandsPerMinute: 600,
        sampleKeys: 1000,
        scanCount: 100,
      },
      failover: {
        confirmTimeoutMs: 10000,
        staleAfterMs: 300000,
        reconcileIntervalMs: 60000,
      },
    });
  });

  it('has no groups without a sentinel section', () => {
    expect(readSentinelConfig(new ConfigReader({})).groups).toEqual([]);
  });

  it('names the sentinel address that is not host:port', () => {
    expect(() =>
      readSentinelConfig(
        new ConfigReader({
          sentinel: {
            groups: [
              { name: 'a', masterName: 'm', sentinels: ['ok:1', 'nope'] },
            ],
          },
        }),
      ),
    ).toThrow("sentinel.groups[0].sentinels[1] must be host:port, got 'nope'");
  });

  it('refuses two groups with one name', () => {
    const group = { name: 'a', masterName: 'm', sentinels: ['h:1'] };
    expect(() =>
      readSentinelConfig(
        new ConfigReader({ sentinel: { groups: [group, group] } }),
      ),
    ).toThrow("the name 'a' is used twice");
  });

  it('names a missing password without showing any secret', () => {
    expect(() =>
      readSentinelConfig(
        new ConfigReader({
          sentinel: {
            groups: [
              {
                name: 'a',
                masterName: 'm',
                sentinels: ['h:1'],
                auth: { username: 'monitor' },
              },
            ],
          },
        }),
      ),
    ).toThrow(/sentinel\.groups\[0\]\.auth\.password/);
  });

  it('refuses intervals that are not positive', () => {
    expect(() =>
      readSentinelConfig(new ConfigReader({ sentinel: { pollIntervalMs: 0 } })),
    ).toThrow('sentinel.pollIntervalMs must be a positive number, got 0');
  });
});
