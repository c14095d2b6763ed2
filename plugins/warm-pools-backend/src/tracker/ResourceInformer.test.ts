import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { backoffDelayMs, InformerSync, PodInformer } from './ResourceInformer';

/**
 * An API server on 127.0.0.1 that answers lists of pods (when `answerLists`) and never answers anything else,
 * watches included.
 */
async function hangingApiServer(answerLists: boolean) {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (answerLists && !url.searchParams.has('watch')) {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '7' },
          items: [],
        }),
      );
    }
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return {
    kubeConfig,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        sockets.forEach(socket => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** The first sync state that is stale with an error. */
function firstFailure(informer: PodInformer): Promise<InformerSync> {
  return new Promise(resolve => {
    const off = informer.onSync(sync => {
      if (sync.stale && sync.error) {
        off();
        resolve(sync);
      }
    });
  });
}

describe('ResourceInformer against an API server that never answers', () => {
  it('gives up on a list after requestTimeoutMs and marks the cluster stale, naming it', async () => {
    const server = await hangingApiServer(false);
    const informer = new PodInformer({
      cluster: 'silent-1',
      kubeConfig: server.kubeConfig,
      requestTimeoutMs: 200,
      initialBackoffMs: 60_000,
    });
    try {
      const failure = firstFailure(informer);
      void informer.start();
      const sync = await failure;
      expect(sync.error?.name).toBe('ServiceUnavailableError');
      expect(sync.error?.message).toBe(
        'cluster silent-1 did not answer the list of /api/v1/pods within 200 ms',
      );
    } finally {
      informer.stop();
      await server.stop();
    }
  });

  it('gives up on a watch that is never answered', async () => {
    const server = await hangingApiServer(true);
    const informer = new PodInformer({
      cluster: 'silent-1',
      kubeConfig: server.kubeConfig,
      requestTimeoutMs: 200,
      initialBackoffMs: 60_000,
    });
    try {
      const failure = firstFailure(informer);
      await informer.start();
      const sync = await failure;
      expect(sync.error?.message).toBe(
        'cluster silent-1 did not answer the watch of /api/v1/pods within 200 ms',
      );
      expect(
        server.requests.filter(r => r.includes('watch=true')),
      ).toHaveLength(1);
    } finally {
      informer.stop();
      await server.stop();
    }
  });
});

/** A seeded uniform source in [0, 1) (mulberry32), so a schedule can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backoffDelayMs', () => {
  const schedule = (random: () => number) =>
    Array.from({ length: 12 }, (_, attempt) =>
      backoffDelayMs(attempt, { initialMs: 250, maxMs: 30_000, random }),
    );

  it('gives two replicas cut off together different reconnect schedules, each within its bounds', () => {
    const first = schedule(seeded(1));
    const second = schedule(seeded(2));
    expect(first).not.toEqual(second);
    // Replayable: the same source, the same schedule.
    expect(schedule(seeded(1))).toEqual(first);
    for (const delays of [first, second]) {
      delays.forEach((delay, attempt) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(250 * 2 ** attempt, 30_000));
      });
    }
  });

  it('stays below the doubling cap and the maximum, from the lowest draw to the highest', () => {
    const draws = [0, 0.25, 0.5, 0.999999];
    for (let attempt = 0; attempt <= 60; attempt++) {
      for (const draw of draws) {
        const delay = backoffDelayMs(attempt, {
          initialMs: 250,
          maxMs: 30_000,
          random: () => draw,
        });
        const cap = Math.min(250 * 2 ** attempt, 30_000);
        expect({ attempt, draw, delay }).toEqual({
          attempt,
          draw,
          delay: Math.floor(draw * cap),
        });
        expect(delay).toBeLessThan(cap);
      }
    }
  });
});
