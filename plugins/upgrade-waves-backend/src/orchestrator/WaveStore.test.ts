import { TestDatabases } from '@backstage/backend-test-utils';
import { applyMigrations } from '../database/migrations';
import { WaveStore } from './WaveStore';

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
    await new Promise(r => setTimeout(r, 100));
    expect(await store.claim('w1', 'b', 60_000)).toBe(true);
    expect(await store.claim('w1', 'dead', 60_000)).toBe(false);
  });

  it('claims no wave that does not exist', async () => {
    const store = await storeWithWave();

    expect(await store.claim('nope', 'a', 60_000)).toBe(false);
  });
});
