import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { applyMigrations } from '../database/migrations';
import { DatabaseClusterRegistry } from '../registry';
import type { OrchestratorDependencies } from './types';
import { WaveOrchestrator } from './WaveOrchestrator';
import { WaveStore } from './WaveStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('WaveOrchestrator (%s)', id => {
  /** A wave on one cluster, recorded as far as UPGRADING (the merge done). */
  async function upgradingWave() {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new WaveStore(knex);
    const registry = await DatabaseClusterRegistry.create({
      knex,
      skipMigrations: true,
    });
    await registry.put({
      clusterId: 'c1',
      name: 'c1',
      batchId: 'test',
      environment: 'test',
      region: 'eu-west-1',
      access: {},
      gitops: { project: 'platform/gitops-test', paths: ['istiod.yaml'] },
      istioVersion: '1.22.3',
      owners: [],
      status: 'HEALTHY',
    });
    await store.create(
      {
        id: 'w1',
        batchId: 'test',
        targetVersion: '1.23.0',
        previousVersion: '1.22.3',
        createdBy: 'user:default/ada',
        soakSeconds: 0,
        orderOverridden: false,
        thresholds: {
          maxErrorRateIncrease: 0.01,
          maxLatencyIncreasePercent: 20,
          minRequestRate: 1,
        },
        clusters: [{ clusterId: 'c1', name: 'c1' }],
      },
      {
        type: 'wave-status',
        to: 'PRE_CHECKS',
        actor: 'user:default/ada',
        message: 'started',
      },
    );
    const path = [
      ['PRE_CHECKS', 'PRE_CHECK_RUNNING', undefined],
      ['PRE_CHECKS', 'PRE_CHECK_PASSED', undefined],
      ['PRE_CHECKS', 'MR_CREATED', 'AWAITING_APPROVAL'],
      ['AWAITING_APPROVAL', undefined, 'MERGING'],
      ['MERGING', 'UPGRADING', 'UPGRADING'],
    ] as const;
    for (const [expect, cluster, status] of path) {
      await store.transition('w1', {
        expect,
        ...(status ? { status } : {}),
        ...(status === 'UPGRADING'
          ? { upgradeStamp: new Date().toISOString() }
          : {}),
        clusters: cluster ? [{ clusterId: 'c1', status: cluster }] : [],
        events: [],
      });
    }
    return { knex, store, registry };
  }

  it('aborts a cluster call in flight when another replica takes the claim over', async () => {
    const { knex, store, registry } = await upgradingWave();
    const seen: Array<AbortSignal | undefined> = [];
    let called!: () => void;
    const inFlight = new Promise<void>(resolve => {
      called = resolve;
    });
    const deps: OrchestratorDependencies = {
      registry,
      checks: { pre: async () => ({ halted: false }), post: async () => {} },
      gitops: {} as OrchestratorDependencies['gitops'],
      rollout: {
        // a cluster API that never answers: only the signal ends the call
        istiod: (_cluster, signal) => {
          seen.push(signal);
          called();
          return new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () =>
              reject(new Error('aborted')),
            );
          });
        },
        restart: async () => ({ done: 0, total: 0 }),
        unsettledPods: async () => 0,
      },
      notifier: {
        transitioned: async () => {},
        awaitingApproval: async () => {},
        started: async () => {},
        failed: async () => {},
        rolledBack: async () => {},
        needsAttention: async () => {},
      },
      logger: mockServices.logger.mock(),
      options: {
        mergeMode: 'auto',
        autoMergeRollback: true,
        istiodTimeoutSeconds: 3600,
      },
    };
    const a = new WaveOrchestrator(store, deps, 'replica-a');
    const ticking = a.tick({ leaseMs: 300, budgetMs: 60_000 });
    await inFlight;
    // time passes beyond a's claim, and b takes the wave over
    await knex('upgrade_waves_waves')
      .where({ id: 'w1' })
      .update({ lease_expires_at: '1970-01-01T00:00:00.000Z' });
    expect(await store.claim('w1', 'replica-b', 60_000)).toBe(true);

    await ticking; // would never end if the call were not aborted
    expect(seen).toHaveLength(1);
    expect(seen[0]?.aborted).toBe(true);
    // a recorded nothing: no failure, no transition, b's claim untouched
    const wave = await store.getOrThrow('w1');
    expect(wave.status).toBe('UPGRADING');
    expect(wave.lastFailure).toBeUndefined();
    expect(await store.claim('w1', 'replica-a', 60_000)).toBe(false);
  });
});
