import { ConfigReader } from '@backstage/config';
import { readSentinelConfig } from '../config';
import { connectionOptions, reconnectDelay } from './connectionOptions';

const settings = {
  commandTimeoutMs: 1500,
  reconnect: { minDelayMs: 100, maxDelayMs: 2000 },
};

function groupFrom(group: object) {
  return readSentinelConfig(
    new ConfigReader({
      sentinel: {
        groups: [
          {
            name: 'sessions',
            masterName: 'mymaster',
            sentinels: ['10.0.0.1:26379'],
            ...group,
          },
        ],
      },
    }),
  ).groups[0];
}

describe('the options handed to ioredis', () => {
  it('carry the group password and ACL user to the data nodes only', () => {
    const group = groupFrom({
      auth: { username: 'monitor', password: 'data-secret' },
    });
    const node = connectionOptions(
      group,
      { host: '10.0.0.5', port: 6379 },
      'node',
      settings,
    );
    expect(node).toMatchObject({
      host: '10.0.0.5',
      port: 6379,
      username: 'monitor',
      password: 'data-secret',
      commandTimeout: 1500,
      connectTimeout: 1500,
      enableOfflineQueue: false,
    });
    const sentinel = connectionOptions(
      group,
      group.sentinels[0],
      'sentinel',
      settings,
    );
    expect(sentinel.password).toBeUndefined();
    expect(sentinel.username).toBeUndefined();
  });

  it('carry sentinelAuth to the sentinel connections, the subscriber included', () => {
    const group = groupFrom({
      auth: { password: 'data-secret' },
      sentinelAuth: { username: 'watcher', password: 'sentinel-secret' },
    });
    for (const role of ['sentinel', 'subscriber'] as const) {
      expect(
        connectionOptions(group, group.sentinels[0], role, settings),
      ).toMatchObject({
        host: '10.0.0.1',
        port: 26379,
        username: 'watcher',
        password: 'sentinel-secret',
      });
    }
    const subscriber = connectionOptions(
      group,
      group.sentinels[0],
      'subscriber',
      settings,
    );
    expect(subscriber.commandTimeout).toBeUndefined();
    expect(subscriber.autoResubscribe).toBe(false);
  });

  it('turn tls: true into TLS that verifies the server', () => {
    const options = connectionOptions(
      groupFrom({ tls: true }),
      { host: 'redis.example.com', port: 6380 },
      'node',
      settings,
    );
    expect(options.tls).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      rejectUnauthorized: true,
    });
  });

  it('pass CA, client certificate and key, and rejectUnauthorized through', () => {
    const tls = {
      ca: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----',
      cert: '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----',
      key: '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----',
      rejectUnauthorized: false,
    };
    const group = groupFrom({ tls });
    for (const role of ['sentinel', 'subscriber', 'node'] as const) {
      expect(
        connectionOptions(group, group.sentinels[0], role, settings).tls,
      ).toEqual(tls);
    }
  });

  it('use no TLS and no credentials when none are configured', () => {
    const options = connectionOptions(
      groupFrom({ tls: false }),
      { host: '127.0.0.1', port: 6379 },
      'node',
      settings,
    );
    expect(options.tls).toBeUndefined();
    expect(options.password).toBeUndefined();
  });

  it('back off exponentially up to the maximum, with jitter', () => {
    const mid = () => 0.5;
    expect(
      [1, 2, 3, 4, 5, 6, 10].map(n =>
        reconnectDelay(n, settings.reconnect, mid),
      ),
    ).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(reconnectDelay(1, settings.reconnect, () => 0)).toBe(80);
    expect(reconnectDelay(1, settings.reconnect, () => 1)).toBe(120);
    const options = connectionOptions(
      groupFrom({}),
      { host: '127.0.0.1', port: 6379 },
      'node',
      settings,
    );
    expect(options.retryStrategy!(20)).toBeLessThanOrEqual(2400);
  });
});
