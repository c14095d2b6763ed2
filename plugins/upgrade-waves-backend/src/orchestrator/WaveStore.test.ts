import { TestDatabases } from '@backstage/backend-test-utils';
import { applyMigrations } from '../database/migrations';
import { LeaseLostError, WaveChangedError, WaveStore } from './WaveStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('WaveStore claims (%s)', id => {
  async function storeWithWave() {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new WaveStore(knex);
    await store.create(
      {
        id: 'w1',
        batchId: 'test',
        targetVersion: '1.23.0',
        previousVersion: '1.22.3',
        createdBy: 'user:default/ada',
        soakSeconds: 10,
        orderOverridden: false,
        thresholds: {
          maxErrorRateIncrease: 0.01,
          maxLatencyIncreasePercent: 20,
          minRequestRate: 1,
        },
        clusters: [{ clusterId: 'kind-test-1', name: 'test-1' }],
      },
      {
        type: 'wave-status',
        to: 'PRE_CHECKS',
        actor: 'user:default/ada',
        message: 'started',
      },
    );
    return store;
  }

  it('lets one replica hold a wave until it releases it', async () => {
    const store = await storeWithWave();

    expect(await store.claim('w1', 'a', 60_000)).toBe(true);
    expect(await store.claim('w1', 'b', 60_000)).toBe(false);
    expect(await store.claim('w1', 'a', 60_000)).toBe(true); // renewal
    await store.release('w1', 'b'); // not b's to release
    expect(await store.claim('w1', 'b', 60_000)).toBe(false);
    await store.release('w1', 'a');
    expect(await store.claim('w1', 'b', 60_000)).toBe(true);
  });

  it("hands a wave to another replica once a dead replica's claim ran out", async () => {
    const store = await storeWithWave();

    expect(await store.claim('w1', 'dead', 50)).toBe(true);
    expect(await store.claim('w1', 'b', 60_000)).toBe(false);
    // poll with a deadline: the claim runs out on the database's clock
    const deadline = Date.now() + 10_000;
    while (!(await store.claim('w1', 'b', 60_000))) {
      if (Date.now() > deadline)
        throw new Error('the dead claim never ran out');
      await new Promise(r => setTimeout(r, 20));
    }
    expect(await store.claim('w1', 'dead', 60_000)).toBe(false);
  });

  it('claims no wave that does not exist', async () => {
    const store = await storeWithWave();

    expect(await store.claim('nope', 'a', 60_000)).toBe(false);
  });

  it('judges claims on the database clock, not the replica clock', async () => {
    const store = await storeWithWave();
    const realNow = Date.now;
    expect(await store.claim('w1', 'a', 60_000)).toBe(true);
    try {
      // a replica whose clock runs two hours ahead must not see a's claim as expired
      Date.now = () => realNow() + 2 * 3600_000;
      expect(await store.claim('w1', 'skewed', 60_000)).toBe(false);
    } finally {
      Date.now = realNow;
    }
    expect(Math.abs((await store.now()) - Date.now())).toBeLessThan(5_000);
  });

  it('fences transitions: only the replica holding an unexpired claim commits', async () => {
    const store = await storeWithWave();
    const step = {
      expect: 'PRE_CHECKS' as const,
      events: [],
      clusters: [
        { clusterId: 'kind-test-1', status: 'PRE_CHECK_RUNNING' as const },
      ],
    };
    await expect(
      store.transition('w1', { ...step, fence: 'a' }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.claim('w1', 'a', 50)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (!(await store.claim('w1', 'b', 60_000))) {
      if (Date.now() > deadline) throw new Error('a never lost its claim');
      await new Promise(r => setTimeout(r, 20));
    }
    // a lost its claim to b while "working": its result is refused and nothing changed
    await expect(
      store.transition('w1', { ...step, fence: 'a' }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect((await store.clusters('w1'))[0].status).toBe('PENDING');
    await store.transition('w1', { ...step, fence: 'b' });
    expect((await store.clusters('w1'))[0].status).toBe('PRE_CHECK_RUNNING');
  });

  it('merges only an approval by someone other than the starter, checked in the transaction', async () => {
    const store = await storeWithWave();
    expect(await store.claim('w1', 'a', 60_000)).toBe(true);
    await store.transition('w1', {
      expect: 'PRE_CHECKS',
      status: 'AWAITING_APPROVAL',
      events: [],
    });
    const toMerging = {
      expect: 'AWAITING_APPROVAL' as const,
      status: 'MERGING' as const,
      fence: 'a',
      requireApproval: { allowSelfApproval: false },
      events: [],
    };
    await expect(store.transition('w1', toMerging)).rejects.toBeInstanceOf(
      WaveChangedError,
    );
    // the starter, spelled differently, is still the starter
    await store.transition('w1', {
      expect: 'AWAITING_APPROVAL',
      decision: {
        decision: 'approved',
        by: 'User:Default/Ada',
        at: new Date().toISOString(),
        comment: 'mine',
      },
      events: [],
    });
    await expect(store.transition('w1', toMerging)).rejects.toBeInstanceOf(
      WaveChangedError,
    );
    // a cancel lands first: the merge transition finds the wave cancelled
    await store.transition('w1', {
      expect: 'AWAITING_APPROVAL',
      decision: {
        decision: 'approved',
        by: 'user:default/grace',
        at: new Date().toISOString(),
        comment: 'ok',
      },
      events: [],
    });
    await store.transition('w1', {
      expect: 'AWAITING_APPROVAL',
      status: 'CANCELLED',
      events: [],
    });
    await expect(store.transition('w1', toMerging)).rejects.toBeInstanceOf(
      WaveChangedError,
    );
    expect((await store.getOrThrow('w1')).status).toBe('CANCELLED');
  });

  it('keeps the batch busy while a cancelled wave still has a merge request open or being opened', async () => {
    const store = await storeWithWave();
    await store.transition('w1', {
      expect: 'PRE_CHECKS',
      opening: 'upgrade',
      events: [],
    });
    await store.transition('w1', {
      expect: 'PRE_CHECKS',
      status: 'CANCELLED',
      events: [],
    });
    expect((await store.activeWaveOf('test'))?.id).toBe('w1');
    const mr = {
      kind: 'upgrade' as const,
      project: 'platform/gitops-test',
      iid: 1,
      webUrl: 'http://gitlab/1',
      branch: 'feature/istio-1.23.0-test',
      title: 'Istio upgrade to v1.23.0 for test',
    };
    await store.transition('w1', {
      expect: 'CANCELLED',
      opening: null,
      mergeRequests: [{ ...mr, state: 'opened' }],
      events: [],
    });
    expect((await store.activeWaveOf('test'))?.id).toBe('w1');
    expect((await store.listWork()).map(w => w.id)).toEqual(['w1']);
    await store.transition('w1', {
      expect: 'CANCELLED',
      mergeRequests: [{ ...mr, state: 'closed' }],
      events: [],
    });
    expect(await store.activeWaveOf('test')).toBeUndefined();
    expect(await store.listWork()).toEqual([]);
  });

  it('keeps effects in the outbox, in order, until they are done', async () => {
    const store = await storeWithWave();
    await store.transition('w1', {
      expect: 'PRE_CHECKS',
      status: 'HALTED',
      events: [],
      effects: [
        { kind: 'registry', clusterIds: ['kind-test-1'], status: 'PENDING' },
        { kind: 'notify', what: 'failed', reason: 'r' },
      ],
    });
    // a finished wave with effects left is still work, and keeps its batch busy
    expect((await store.listWork()).map(w => w.id)).toEqual(['w1']);
    expect((await store.activeWaveOf('test'))?.id).toBe('w1');
    const [first, second] = await store.pendingEffects('w1');
    expect(first.effect.kind).toBe('registry');
    expect(second.effect.kind).toBe('notify');
    await store.effectFailed(first.id, 'registry down');
    expect((await store.pendingEffects('w1'))[0]).toMatchObject({
      id: first.id,
      attempts: 1,
    });
    await store.effectDone(first.id);
    await store.effectDone(second.id);
    expect(await store.pendingEffects('w1')).toEqual([]);
    expect(await store.listWork()).toEqual([]);
    expect(await store.activeWaveOf('test')).toBeUndefined();
  });
});
