import { Gitlab } from '@gitbeaker/rest';
import { Fleet, waitFor } from '@fleetdeck/sandbox';
import {
  sandboxWaveConfig,
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import { ADA, GRACE, gitlabWrites, waveApi } from './__testUtils__/waveApi';

jest.setTimeout(180_000);

describe('mergeMode: manual', () => {
  let fleet: Fleet;
  let backend: WaveBackend;
  // a person acting in GitLab with their own token
  let mallory: string;
  const person = () => new Gitlab({ host: fleet.gitlab.url, token: mallory });
  const { call, waitForWave } = waveApi(() => backend.url);

  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
    mallory = fleet.gitlab.addPerson('mallory').token;
    backend = await startWaveBackend({
      config: sandboxWaveConfig(
        fleet,
        { client: 'better-sqlite3', connection: ':memory:' },
        { mergeMode: 'manual', soakSeconds: 1 },
      ),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  it('records the approval but leaves the merge to a person in GitLab, then carries on', async () => {
    const asPerson = person();
    const started = await call('POST', '/waves', ADA, {
      batchId: 'test',
      targetVersion: '1.23.0',
    });
    expect(started.status).toBe(201);
    const waveId = started.body.id;
    const awaiting = await waitForWave(
      waveId,
      w => w.status === 'AWAITING_APPROVAL',
    );
    expect(
      (
        await call('POST', `/waves/${waveId}/approve`, GRACE, {
          comment: 'fine by me',
        })
      ).status,
    ).toBe(200);

    // Several orchestrator runs later (each reads the MR from GitLab): approved, still waiting, nothing merged.
    const [open] = awaiting.mergeRequests;
    const readsOfMr = () =>
      fleet.gitlab
        .requestLog()
        .filter(
          r =>
            r.method === 'GET' &&
            r.path.endsWith(`/merge_requests/${open.iid}`),
        ).length;
    const before = readsOfMr();
    await waitFor('three orchestrator runs reading the MR', 30_000, () =>
      readsOfMr() >= before + 3 ? true : undefined,
    );
    const waiting = (await call('GET', `/waves/${waveId}`, ADA)).body;
    expect(waiting.status).toBe('AWAITING_APPROVAL');
    expect(waiting.decision).toMatchObject({ decision: 'approved', by: GRACE });
    expect(
      gitlabWrites(fleet, 'PUT', /merge_requests\/\d+\/merge$/),
    ).toHaveLength(0);

    // Someone merges it in GitLab.
    const [mr] = awaiting.mergeRequests;
    await asPerson.MergeRequests.merge(mr.project, mr.iid);

    const done = await waitForWave(waveId, w => w.status === 'SUCCEEDED');
    expect(done.mergeRequests[0].state).toBe('merged');
    expect(fleet.cluster('test-1').istioVersion()).toBe('1.23.0');
  });

  it('does not take a merge done in GitLab without an approval as one: the wave needs attention until another person approves', async () => {
    const started = await call('POST', '/waves', ADA, {
      batchId: 'dev-wave-1',
      targetVersion: '1.23.0',
      overrideOrder: true,
    });
    expect(started.status).toBe(201);
    const waveId = started.body.id;
    const awaiting = await waitForWave(
      waveId,
      w => w.status === 'AWAITING_APPROVAL',
    );
    const [mr] = awaiting.mergeRequests;
    await person().MergeRequests.merge(mr.project, mr.iid);

    const stopped = await waitForWave(
      waveId,
      w => w.status === 'NEEDS_ATTENTION',
    );
    expect(stopped.attention).toMatchObject({
      kind: 'unapproved-merge',
      from: 'AWAITING_APPROVAL',
      upgradeMerged: true,
    });
    expect(stopped.reason).toContain('merged in GitLab by @mallory');
    expect(stopped.events.at(-1)?.message).toContain('@mallory');
    expect(stopped.decision).toBeUndefined();
    expect(
      backend.notifications.some(
        n => n.payload.topic === 'upgrade-waves:needs-attention',
      ),
    ).toBe(true);
    // cancel is no way out once merged; the starter can't approve it either
    expect(
      (await call('POST', `/waves/${waveId}/cancel`, ADA, {})).status,
    ).toBe(409);
    expect(
      (await call('POST', `/waves/${waveId}/approve`, ADA, { comment: 'mine' }))
        .status,
    ).toBe(403);

    expect(
      (
        await call('POST', `/waves/${waveId}/approve`, GRACE, {
          comment: 'seen the merge, fine',
        })
      ).status,
    ).toBe(200);
    const done = await waitForWave(waveId, w => w.status === 'SUCCEEDED');
    expect(done.decision).toMatchObject({ decision: 'approved', by: GRACE });
    expect(done.events.map(e => e.type)).toContain('approved');
  });
});
