/*
 * The backend half of bench/suites/warm-pools-scale.bench.ts: a Backstage backend with the warm-pools plugin and
 * (when asked) @backstage/plugin-kubernetes-backend, both on the same clusters (kubernetes.clusterLocatorMethods),
 * started by bench/workers/warmPoolsScale.cts as a child process with an IPC channel, so that its RSS is the
 * backend's alone (the sandbox fleet lives in the parent).
 *
 * IPC: it receives `{ type: 'config', config, withKubernetesBackend }` and answers `{ type: 'ready', url }`; on `{ type: 'status' }` it
 * answers `{ type: 'status', rss, heapUsed }` (after a GC when --expose-gc is on); every signal the plugin
 * publishes is reported as `{ type: 'signal', channel, at }` with `at` in epoch milliseconds (sub-ms precision).
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';

/** A Component whose Kubernetes objects are the warm pools' pods. */
const POOL_PODS_ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'warm-pool-pods',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-label-selector': 'pool=warm' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/platform' },
};

const now = () => performance.timeOrigin + performance.now();

function send(message: object) {
  process.send?.(message);
}

async function start(config: object, withKubernetesBackend: boolean) {
  const backend = await startTestBackend({
    features: [
      import('@fleetdeck/plugin-warm-pools-backend'),
      ...(withKubernetesBackend
        ? [import('@backstage/plugin-kubernetes-backend')]
        : []),
      mockServices.rootConfig.factory({ data: config as any }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      databaseServiceFactory,
      schedulerServiceFactory,
      // the Component whose pods the kubernetes backend fetches: every pool pod, by label selector
      catalogServiceMock.factory({ entities: [POOL_PODS_ENTITY] }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish(signal: { channel: string }) {
            send({ type: 'signal', channel: signal.channel, at: now() });
          },
        }),
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

process.on('message', (message: any) => {
  if (message?.type === 'config') {
    start(message.config, message.withKubernetesBackend === true).then(
      url => send({ type: 'ready', url }),
      error => {
        process.stderr.write(`${error?.stack ?? error}\n`);
        process.exit(1);
      },
    );
  } else if (message?.type === 'status') {
    (globalThis as any).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'status', rss, heapUsed });
  } else if (message?.type === 'stop') {
    process.exit(0);
  }
});
