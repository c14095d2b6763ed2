import net from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import { GitLabMergeRequests, GitLabRateLimiter } from './gitlab';
import { ConfigClusterConnector, IstioRollout } from './kubernetes';
import { getRaw } from './kubernetes/client';
import {
  AlertmanagerAlertSource,
  DatadogAlertSource,
  DatadogMetricSource,
  PrometheusMetricSource,
} from './metrics';
import { DynamoDbClusterRegistry } from './registry/DynamoDbClusterRegistry';

/** A server on 127.0.0.1 that accepts connections and never answers, counting them. */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer(socket => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    // a cluster's API is HTTPS: the TLS handshake is never answered either
    httpsUrl: `https://127.0.0.1:${port}`,
    connections: () => connections,
    stop: () =>
      new Promise<void>(resolve => {
        sockets.forEach(socket => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

const cluster = { clusterId: 'silent-1', name: 'silent-1' } as Cluster;

/** What `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error) => error,
  );
}

describe('calls to a server that never answers end in a retryable error naming the host and the action', () => {
  let server: Awaited<ReturnType<typeof silentServer>>;

  beforeEach(async () => {
    server = await silentServer();
  });

  afterEach(async () => {
    await server.stop();
  });

  describe('GitLab', () => {
    const gitlab = (timeoutMs: number) =>
      new GitLabMergeRequests({
        host: server.url,
        token: 'secret-token',
        limiter: new GitLabRateLimiter(),
        maxAttempts: 6,
        timeoutMs,
        logger: mockServices.logger.mock(),
      });

    it('times out, without retrying a request that may have been carried out', async () => {
      const error = await rejection(
        gitlab(200).createBranch('platform/gitops', 'feature/x', 'main'),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `GitLab at ${server.url} did not answer in time when asked to create branch feature/x from main in project platform/gitops (Query timeout of 200 ms was reached)`,
      );
      expect(error.message).not.toContain('secret-token');
      expect(server.connections()).toBe(1);
    });

    it("stops when the caller's signal aborts", async () => {
      const controller = new AbortController();
      const call = gitlab(60_000).getDefaultBranch('platform/gitops', {
        signal: controller.signal,
      });
      const reason = new Error('lease lost');
      await waitFor(() => server.connections() === 1);
      controller.abort(reason);
      // toGitLabError passes on what is not GitLab's answer
      await expect(call).rejects.toBe(reason);
    });
  });

  describe('Kubernetes', () => {
    const connector = (requestTimeoutMs = 200) =>
      new ConfigClusterConnector({
        clusters: [
          {
            name: 'silent-1',
            url: server.httpsUrl,
            authProvider: 'serviceAccount',
            serviceAccountToken: 'secret-token',
          },
        ],
        requestTimeoutMs,
      });

    it('times out an API call', async () => {
      const error = await rejection(
        new IstioRollout(connector()).istiod(cluster),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(
        new RegExp(
          `^The Kubernetes API at ${server.host} did not answer GET /apis/.+ within 200 ms$`,
        ),
      );
    });

    it('times out a raw GET of /readyz', async () => {
      const kc = connector().connect(cluster);
      const error = await rejection(getRaw(kc, '/readyz', undefined, 200));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `The Kubernetes API at ${server.host} did not answer GET /readyz within 200 ms`,
      );
    });

    it("stops when the caller's signal aborts", async () => {
      const controller = new AbortController();
      const call = new IstioRollout(connector(60_000)).podsHealthy(cluster, {
        signal: controller.signal,
      });
      await waitFor(() => server.connections() >= 1);
      controller.abort();
      const error = await rejection(call);
      expect(error).not.toBeInstanceOf(ServiceUnavailableError);
      expect(error.name).toBe('AbortError');
    });
  });

  describe('metrics and alerts', () => {
    const datadog = () => ({
      apiUrl: server.url,
      apiKey: 'secret-api-key',
      appKey: 'secret-app-key',
      timeoutMs: 200,
    });

    it.each([
      [
        'Prometheus',
        '/api/v1/query',
        () =>
          new PrometheusMetricSource({
            url: server.url,
            timeoutMs: 200,
          }).snapshot(cluster),
      ],
      [
        'Alertmanager',
        '/api/v2/alerts',
        () =>
          new AlertmanagerAlertSource({
            url: server.url,
            timeoutMs: 200,
          }).firingAlerts(cluster),
      ],
      [
        'Datadog',
        '/api/v1/monitor',
        () => new DatadogAlertSource(datadog()).firingAlerts(cluster),
      ],
      [
        'Datadog',
        '/api/v1/query',
        () => new DatadogMetricSource(datadog()).snapshot(cluster),
      ],
    ])('times out a call to %s %s', async (service, path, call) => {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `${service} at ${server.host} did not answer GET ${path} within 200 ms`,
      );
      expect(error.message).not.toContain('secret');
    });
  });

  describe('DynamoDB', () => {
    it('times out a registry call, the SDK retries included', async () => {
      const registry = new DynamoDbClusterRegistry(
        new DynamoDBClient({
          endpoint: server.url,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'id', secretAccessKey: 'secret-key' },
        }),
        'guard-cluster-registry',
        { timeoutMs: 300, host: server.host },
      );
      const error = await rejection(registry.get('prod-eu-1'));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `DynamoDB at ${server.host} did not answer within 300 ms when asked to read cluster prod-eu-1 in table guard-cluster-registry`,
      );
    });

    it('reads the timeout and names the endpoint from config', async () => {
      const registry = DynamoDbClusterRegistry.fromConfig(
        new ConfigReader({
          upgradeWaves: {
            timeouts: { dynamodbMs: 250 },
            registry: {
              dynamodb: {
                endpoint: server.url,
                region: 'eu-west-1',
                credentials: { accessKeyId: 'id', secretAccessKey: 'key' },
              },
            },
          },
        }),
      );
      const error = await rejection(registry.list());
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `DynamoDB at ${server.host} did not answer within 250 ms when asked to list the clusters in table guard-cluster-registry`,
      );
    });
  });
});

/** Polls until `condition` holds; fails after 5 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
