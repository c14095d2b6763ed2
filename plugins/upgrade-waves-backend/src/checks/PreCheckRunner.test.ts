import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  CHECK_NAMES,
  type CheckName,
  type CheckOutcome,
  type CheckResult,
  type Cluster,
  type MetricSnapshot,
} from '@fleetdeck/plugin-upgrade-waves-common';
import fc from 'fast-check';
import { PreCheckRunner, type PreCheckRunContext } from './PreCheckRunner';
import { testCluster } from './__testUtils__/clusters';
import type { CheckContext, CheckReport, ClusterCheck } from './types';

/** A cluster whose id is `clusterId`. */
function cluster(clusterId: string): Cluster {
  return testCluster(`${clusterId}-name`, { clusterId });
}

const context: PreCheckRunContext = {
  targetVersion: '1.21.0',
  expectedVersionFor: c => `${c.istioVersion}-expected`,
  phase: 'pre',
};

function check(
  name: CheckName,
  run: (context: CheckContext) => Promise<CheckReport>,
): ClusterCheck {
  return { name, run };
}

/** Resolves after a few turns of the event loop, so work overlaps without timers. */
async function someTurns(count = 3) {
  for (let i = 0; i < count; i++) {
    await new Promise(resolve => setImmediate(resolve));
  }
}

/** A check that never finishes by itself; it ends only when its signal aborts. */
function hangingCheck(name: CheckName, aborted: string[]): ClusterCheck {
  return check(
    name,
    ({ cluster: c, signal }) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push(`${c.clusterId}/${name}`);
          reject(new Error('aborted'));
        });
      }),
  );
}

type Keyed = Pick<CheckResult, 'clusterId' | 'check'>;
function byClusterAndCheck(a: Keyed, b: Keyed) {
  return (
    a.clusterId.localeCompare(b.clusterId) || a.check.localeCompare(b.check)
  );
}

describe('PreCheckRunner', () => {
  const logger = mockServices.logger.mock();

  it('runs every check on every cluster and reports each cluster once with its own results', async () => {
    const seen: Array<{ cluster: string; expected: string; target: string }> =
      [];
    const runner = new PreCheckRunner({
      logger,
      checks: [
        check('api-server', async c => {
          seen.push({
            cluster: c.cluster.clusterId,
            expected: c.expectedVersion,
            target: c.targetVersion,
          });
          return { outcome: 'passed', message: 'ready' };
        }),
        check('nodes-ready', async () => ({
          outcome: 'warning',
          message: '1 of 3 nodes cordoned',
          detail: { cordoned: ['node-2'] },
        })),
      ],
    });
    const done: Array<{ clusterId: string; results: CheckResult[] }> = [];

    const outcome = await runner.run(
      [cluster('a'), cluster('b'), cluster('c')],
      context,
      {
        onClusterDone: async (clusterId, results) => {
          done.push({ clusterId, results });
        },
      },
    );

    expect(outcome.halted).toBe(false);
    expect(outcome.results).toHaveLength(6);
    expect(outcome.results.find(r => r.check === 'nodes-ready')).toEqual({
      clusterId: 'a',
      check: 'nodes-ready',
      phase: 'pre',
      outcome: 'warning',
      message: '1 of 3 nodes cordoned',
      detail: { cordoned: ['node-2'] },
      durationMs: expect.any(Number),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(seen).toContainEqual({
      cluster: 'b',
      expected: '1.20.3-expected',
      target: '1.21.0',
    });
    expect(done.map(d => d.clusterId).sort()).toEqual(['a', 'b', 'c']);
    for (const { clusterId, results } of done) {
      expect(results.map(r => r.check).sort()).toEqual([
        'api-server',
        'nodes-ready',
      ]);
      expect(results.every(r => r.clusterId === clusterId)).toBe(true);
    }
  });

  it('never has more checks in flight than its concurrency, across clusters', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let started = 0;
    const tracked = (name: CheckName) =>
      check(name, async () => {
        started += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await someTurns();
        inFlight -= 1;
        return { outcome: 'passed', message: 'ok' };
      });
    const runner = new PreCheckRunner({
      logger,
      concurrency: 4,
      checks: [tracked('api-server'), tracked('istiod'), tracked('alerts')],
    });

    const outcome = await runner.run(
      ['a', 'b', 'c', 'd', 'e'].map(cluster),
      context,
    );

    expect(started).toBe(15);
    expect(outcome.results).toHaveLength(15);
    expect(maxInFlight).toBe(4);
  });

  it('fails a check that outlives its timeout and aborts its signal', async () => {
    const aborted: string[] = [];
    const runner = new PreCheckRunner({
      logger,
      timeoutMs: 50,
      checks: [
        hangingCheck('istio-analysis', aborted),
        // Ignores its signal altogether: the run must not wait for it either.
        check('istiod', () => new Promise<CheckReport>(() => {})),
        check('api-server', async () => ({ outcome: 'passed', message: 'ok' })),
      ],
    });

    const outcome = await runner.run([cluster('a')], context);

    expect(outcome.results.sort(byClusterAndCheck)).toEqual([
      expect.objectContaining({ check: 'api-server', outcome: 'passed' }),
      expect.objectContaining({
        check: 'istio-analysis',
        outcome: 'failed',
        message: 'timed out after 0.05s',
      }),
      expect.objectContaining({
        check: 'istiod',
        outcome: 'failed',
        message: 'timed out after 0.05s',
      }),
    ]);
    expect(aborted).toEqual(['a/istio-analysis']);
    expect(outcome.halted).toBe(false);
  });

  it('turns a thrown error into a failed result and still runs the other checks', async () => {
    const runner = new PreCheckRunner({
      logger,
      checks: [
        check('api-server', async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        }),
        check('nodes-ready', () => {
          // Thrown before any promise exists.
          throw new Error('no kubeconfig entry');
        }),
        check('istiod', async () => ({ outcome: 'passed', message: 'ok' })),
      ],
    });

    const outcome = await runner.run([cluster('a'), cluster('b')], context);

    expect(outcome.results).toHaveLength(6);
    expect(
      outcome.results
        .filter(r => r.clusterId === 'a')
        .sort(byClusterAndCheck)
        .map(r => [r.check, r.outcome, r.message]),
    ).toEqual([
      ['api-server', 'failed', 'connect ECONNREFUSED 127.0.0.1:6443'],
      ['istiod', 'passed', 'ok'],
      ['nodes-ready', 'failed', 'no kubeconfig entry'],
    ]);
  });

  it('fails a check that returns no valid report', async () => {
    const runner = new PreCheckRunner({
      logger,
      checks: [
        check('alerts', async () => ({ outcome: 'fine', message: 'x' } as any)),
      ],
    });

    const { results } = await runner.run([cluster('a')], context);

    expect(results).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        message: 'the check returned no valid report',
      }),
    ]);
  });

  it('with failFast starts nothing after a failure and reports no unstarted check', async () => {
    const started: string[] = [];
    const runner = new PreCheckRunner({
      logger,
      concurrency: 1,
      checks: [
        check('api-server', async ({ cluster: c }) => {
          started.push(`${c.clusterId}/api-server`);
          return { outcome: 'passed', message: 'ready' };
        }),
        check('nodes-ready', async ({ cluster: c }) => {
          started.push(`${c.clusterId}/nodes-ready`);
          return c.clusterId === 'b'
            ? { outcome: 'failed', message: 'node-1 NotReady' }
            : { outcome: 'passed', message: 'all Ready' };
        }),
      ],
    });
    const done: string[] = [];

    const outcome = await runner.run(
      [cluster('a'), cluster('b'), cluster('c')],
      context,
      {
        failFast: true,
        onClusterDone: async clusterId => {
          done.push(clusterId);
        },
      },
    );

    expect(outcome.halted).toBe(true);
    expect(started).toEqual([
      'a/api-server',
      'a/nodes-ready',
      'b/api-server',
      'b/nodes-ready',
    ]);
    expect(outcome.results.map(r => `${r.clusterId}/${r.check}`)).toEqual(
      started,
    );
    expect(done).toEqual(['a', 'b']);
  });

  it('with failFast aborts the checks in flight and reports only the cluster that failed', async () => {
    const aborted: string[] = [];
    const runner = new PreCheckRunner({
      logger,
      concurrency: 4,
      checks: [
        check('api-server', async c => {
          if (c.cluster.clusterId === 'a') {
            await someTurns();
            return { outcome: 'failed', message: '/readyz answered 500' };
          }
          return hangingCheck('api-server', aborted).run(c);
        }),
        hangingCheck('nodes-ready', aborted),
      ],
    });
    const done: Array<[string, CheckResult[]]> = [];

    const outcome = await runner.run([cluster('a'), cluster('b')], context, {
      failFast: true,
      onClusterDone: async (clusterId, results) => {
        done.push([clusterId, results]);
      },
    });

    expect(outcome.halted).toBe(true);
    expect(aborted.sort()).toEqual([
      'a/nodes-ready',
      'b/api-server',
      'b/nodes-ready',
    ]);
    expect(outcome.results).toEqual([
      expect.objectContaining({
        clusterId: 'a',
        check: 'api-server',
        outcome: 'failed',
      }),
    ]);
    expect(done).toEqual([['a', outcome.results]]);
  });

  it('without failFast runs every check although some fail', async () => {
    const runner = new PreCheckRunner({
      logger,
      concurrency: 1,
      checks: [
        check('alerts', async () => ({ outcome: 'failed', message: 'firing' })),
        check('istiod', async () => ({ outcome: 'passed', message: 'ok' })),
      ],
    });

    const outcome = await runner.run([cluster('a'), cluster('b')], context);

    expect(outcome.halted).toBe(false);
    expect(outcome.results).toHaveLength(4);
  });

  it('stops like a halt when the caller aborts its signal', async () => {
    const aborted: string[] = [];
    const controller = new AbortController();
    let started = 0;
    const runner = new PreCheckRunner({
      logger,
      concurrency: 2,
      checks: [
        check('istiod', c => {
          started += 1;
          const running = hangingCheck('istiod', aborted).run(c);
          if (started === 2) controller.abort();
          return running;
        }),
      ],
    });
    const onClusterDone = jest.fn(async () => {});

    const outcome = await runner.run(
      [cluster('a'), cluster('b'), cluster('c')],
      context,
      { signal: controller.signal, onClusterDone },
    );

    expect(outcome).toEqual({ results: [], baselines: {}, halted: true });
    expect(started).toBe(2);
    expect(aborted.sort()).toEqual(['a/istiod', 'b/istiod']);
    expect(onClusterDone).not.toHaveBeenCalled();
  });

  it('returns the baseline a check captured and hands it to onClusterDone', async () => {
    const baseline: MetricSnapshot = {
      requestRate: 101,
      errorRate: 0.002,
      latencyP95Ms: 119,
      at: '2024-01-01T00:00:00.000Z',
    };
    const runner = new PreCheckRunner({
      logger,
      checks: [
        check('metric-baseline', async ({ cluster: c }) => ({
          outcome: 'passed',
          message: 'captured',
          baseline: { ...baseline, requestRate: c.clusterId === 'a' ? 1 : 2 },
        })),
        check('alerts', async () => ({ outcome: 'passed', message: 'none' })),
      ],
    });
    const handed: Record<string, MetricSnapshot | undefined> = {};

    const outcome = await runner.run([cluster('a'), cluster('b')], context, {
      onClusterDone: async (clusterId, _results, b) => {
        handed[clusterId] = b;
      },
    });

    expect(outcome.baselines).toEqual({
      a: { ...baseline, requestRate: 1 },
      b: { ...baseline, requestRate: 2 },
    });
    expect(handed).toEqual(outcome.baselines);
  });

  it('rejects the run when onClusterDone cannot store a cluster', async () => {
    const runner = new PreCheckRunner({
      logger,
      concurrency: 1,
      checks: [
        check('istiod', async () => ({ outcome: 'passed', message: '' })),
      ],
    });
    let calls = 0;

    await expect(
      runner.run([cluster('a'), cluster('b')], context, {
        onClusterDone: async () => {
          calls += 1;
          throw new Error('database is locked');
        },
      }),
    ).rejects.toThrow('database is locked');
    expect(calls).toBe(1);
  });

  it('rejects a bad concurrency or timeout and a cluster listed twice', async () => {
    expect(
      () => new PreCheckRunner({ logger, checks: [], concurrency: 0 }),
    ).toThrow(InputError);
    expect(
      () => new PreCheckRunner({ logger, checks: [], timeoutMs: -1 }),
    ).toThrow(/timeoutMs/);
    const runner = new PreCheckRunner({ logger, checks: [] });
    await expect(
      runner.run([cluster('a'), cluster('a')], context),
    ).rejects.toThrow(InputError);
  });

  it('finds the same results whatever order the checks finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom<CheckOutcome>('passed', 'failed', 'warning'), {
          minLength: 1,
          maxLength: 4,
        }),
        async (s, concurrency, clusterCount, outcomes) => {
          let inFlight = 0;
          let maxInFlight = 0;
          const checks = outcomes.map((outcome, i) =>
            check(CHECK_NAMES[i], async ({ cluster: c }) => {
              inFlight += 1;
              maxInFlight = Math.max(maxInFlight, inFlight);
              try {
                return await s.schedule(
                  Promise.resolve<CheckReport>({
                    outcome,
                    message: `${c.clusterId}/${i}`,
                  }),
                  `${c.clusterId}/${CHECK_NAMES[i]}`,
                );
              } finally {
                inFlight -= 1;
              }
            }),
          );
          const clusters = Array.from({ length: clusterCount }, (_, i) =>
            cluster(`c${i}`),
          );
          const reported = new Map<string, CheckResult[]>();
          const runner = new PreCheckRunner({ logger, concurrency, checks });

          const outcome = await s.waitFor(
            runner.run(clusters, context, {
              onClusterDone: async (clusterId, results) => {
                expect(reported.has(clusterId)).toBe(false);
                reported.set(clusterId, results);
              },
            }),
          );

          const expected = clusters.flatMap(c =>
            outcomes.map((o, i) => ({
              clusterId: c.clusterId,
              check: CHECK_NAMES[i],
              outcome: o,
              message: `${c.clusterId}/${i}`,
            })),
          );
          const found = (results: CheckResult[]) =>
            [...results]
              .sort(byClusterAndCheck)
              .map(({ clusterId, check: name, outcome: o, message }) => ({
                clusterId,
                check: name,
                outcome: o,
                message,
              }));
          expect(found(outcome.results)).toEqual(
            [...expected].sort(byClusterAndCheck),
          );
          expect(found([...reported.values()].flat())).toEqual(
            found(outcome.results),
          );
          expect(outcome.halted).toBe(false);
          expect(maxInFlight).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 50 },
    );
  });
});
