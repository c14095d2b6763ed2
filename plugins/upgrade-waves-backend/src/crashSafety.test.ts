import { Fleet } from '@fleetdeck/sandbox';
import type { WaveDetail } from '@fleetdeck/plugin-upgrade-waves-common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { sandboxWaveConfig } from './__testUtils__/startWaveBackend';
import { WaveBackendProcess } from './__testUtils__/WaveBackendProcess';
import {
  ADA,
  clusterPaths,
  deploymentGenerations,
  gitlabWrites,
  GRACE,
  HEALTHY_PATH,
  HEALTHY_WAVE_PATH,
  waveApi,
} from './__testUtils__/waveApi';

jest.setTimeout(600_000);

const TERMINAL = ['SUCCEEDED', 'HALTED', 'ROLLED_BACK', 'CANCELLED'];
const MAX_KILLS = 14;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function backendConfig(fleet: Fleet, database: object) {
  // A short claim on a wave, so that a restarted backend resumes soon after the one that was killed.
  return sandboxWaveConfig(fleet, database, { orchestratorTimeoutSeconds: 4 });
}

/** What a wave that was driven to success must show, however often its backend died. */
function expectExactlyOneUpgrade(
  fleet: Fleet,
  wave: WaveDetail,
  project: string,
) {
  expect(wave.status).toBe('SUCCEEDED');
  const ofProject = (pattern: RegExp) =>
    new RegExp(`${project}/${pattern.source}`);
  expect(
    gitlabWrites(fleet, 'POST', ofProject(/repository\/branches$/)),
  ).toHaveLength(1);
  expect(
    gitlabWrites(fleet, 'POST', ofProject(/repository\/commits$/)),
  ).toHaveLength(1);
  expect(
    gitlabWrites(fleet, 'POST', ofProject(/merge_requests$/)),
  ).toHaveLength(1);
  expect(
    gitlabWrites(fleet, 'PUT', ofProject(/merge_requests\/\d+\/merge$/)),
  ).toHaveLength(1);
  expect(fleet.gitlab.listMergeRequests(project)).toHaveLength(1);
  const paths = clusterPaths(wave);
  for (const c of wave.clusters)
    expect(paths[c.clusterId]).toEqual(HEALTHY_PATH);
  expect(
    wave.events.filter(e => e.type === 'wave-status').map(e => e.to),
  ).toEqual(HEALTHY_WAVE_PATH);
  for (const c of wave.clusters) {
    const generations = Object.values(
      deploymentGenerations(fleet, c.name, 'shop'),
    );
    expect(generations.length).toBeGreaterThan(0);
    // restarted exactly once: a second restart would have bumped the generation again
    expect(generations).toEqual(generations.map(() => 2));
  }
}

describe('crash safety', () => {
  let fleet: Fleet;
  const processes: WaveBackendProcess[] = [];

  beforeEach(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map(p => p.kill()));
    await fleet.stop();
  });

  it('finishes a wave with one merge request and no step done twice while the backend is killed at random moments', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-sqlite-'));
    const config = backendConfig(fleet, {
      client: 'better-sqlite3',
      connection: { directory: dir },
    });
    let backend = await WaveBackendProcess.start({ config, logLevel: 'info' });
    processes.push(backend);
    const api = waveApi(() => backend.url);
    try {
      const started = await api.call('POST', '/waves', ADA, {
        batchId: 'test',
        targetVersion: '1.23.0',
        soakSeconds: 10,
      });
      expect(started.status).toBe(201);
      const waveId = started.body.id;

      let kills = 0;
      const seen = new Set<string>();
      const approvals: number[] = [];
      // generous: on a loaded machine each restart of the backend takes several seconds
      const deadline = Date.now() + 480_000;
      let wave: WaveDetail;
      for (;;) {
        await sleep(200 + Math.random() * 1800);
        wave = (await api.call('GET', `/waves/${waveId}`, ADA)).body;
        seen.add(wave.status);
        if (TERMINAL.includes(wave.status)) break;
        if (Date.now() > deadline) {
          throw new Error(
            `wave still ${wave.status} after ${kills} kills:\n${backend.log}`,
          );
        }
        // Approve after a few kills, so that kills land before and after the approval.
        if (
          wave.status === 'AWAITING_APPROVAL' &&
          !wave.decision &&
          kills >= 6
        ) {
          const approved = await api.call(
            'POST',
            `/waves/${waveId}/approve`,
            GRACE,
            {
              comment: 'approved between crashes',
            },
          );
          approvals.push(approved.status);
        }
        // Past MAX_KILLS the last backend finishes the wave undisturbed.
        if (kills < MAX_KILLS) {
          await backend.kill();
          processes.splice(processes.indexOf(backend), 1);
          kills += 1;
          backend = await WaveBackendProcess.start({
            config,
            logLevel: 'info',
          });
          processes.push(backend);
        }
      }

      expect(approvals).toEqual([200]);
      expectExactlyOneUpgrade(fleet, wave, 'platform/gitops-test');
      expect(kills).toBeGreaterThanOrEqual(10);
      expect([...seen]).toEqual(
        expect.arrayContaining(['AWAITING_APPROVAL', 'SOAKING']),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!postgres && process.env.CI) {
    throw new Error(
      'CI runs this suite with PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (scripts/test.sh does)',
    );
  }
  // Outside CI, without a PostgreSQL to use, this part is skipped (CI always has one: see above).
  const describeOnPostgres = postgres ? describe : describe.skip;
  describeOnPostgres('on PostgreSQL', () => {
    it('lets two backends on one PostgreSQL drive waves together with no step done twice', async () => {
      const prefix = `fleetdeck_${randomBytes(4).toString('hex')}_`;
      const config = backendConfig(fleet, {
        client: 'pg',
        connection: postgres,
        prefix,
      });
      // One after the other, as replicas of a rollout start: the first creates the schema.
      const a = await WaveBackendProcess.start({ config });
      const b = await WaveBackendProcess.start({ config });
      processes.push(a, b);
      const viaA = waveApi(() => a.url);
      const viaB = waveApi(() => b.url);
      try {
        const test = await viaA.call('POST', '/waves', ADA, {
          batchId: 'test',
          targetVersion: '1.23.0',
          soakSeconds: 2,
        });
        const staging = await viaB.call('POST', '/waves', ADA, {
          batchId: 'staging',
          targetVersion: '1.23.0',
          soakSeconds: 2,
          overrideOrder: true,
        });
        expect([test.status, staging.status]).toEqual([201, 201]);
        await viaB.waitForWave(
          test.body.id,
          w => w.status === 'AWAITING_APPROVAL',
        );
        await viaA.waitForWave(
          staging.body.id,
          w => w.status === 'AWAITING_APPROVAL',
        );
        expect(
          (
            await viaB.call('POST', `/waves/${test.body.id}/approve`, GRACE, {
              comment: 'ok',
            })
          ).status,
        ).toBe(200);
        expect(
          (
            await viaA.call(
              'POST',
              `/waves/${staging.body.id}/approve`,
              GRACE,
              { comment: 'ok' },
            )
          ).status,
        ).toBe(200);
        const waves = await Promise.all([
          viaA.waitForWave(test.body.id, w => TERMINAL.includes(w.status)),
          viaB.waitForWave(staging.body.id, w => TERMINAL.includes(w.status)),
        ]);
        expectExactlyOneUpgrade(fleet, waves[0], 'platform/gitops-test');
        expectExactlyOneUpgrade(fleet, waves[1], 'platform/gitops-staging');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        const admin = knexFactory({ client: 'pg', connection: postgres });
        const { rows } = await admin.raw(
          'select datname from pg_database where datname like ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows) {
          await admin.raw('drop database if exists ??', [datname]);
        }
        await admin.destroy();
      }
    });
  });
});
