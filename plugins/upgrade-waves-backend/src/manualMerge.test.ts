import { Gitlab } from '@gitbeaker/rest';
import { Fleet } from '@fleetdeck/sandbox';
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
  const { call, waitForWave } = waveApi(() => backend.url);

  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
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

    // Several orchestrator runs later: approved, still waiting, nothing merged by Fleetdeck.
    await new Promise(r => setTimeout(r, 3000));
    const waiting = (await call('GET', `/waves/${waveId}`, ADA)).body;
    expect(waiting.status).toBe('AWAITING_APPROVAL');
    expect(waiting.decision).toMatchObject({ decision: 'approved', by: GRACE });
    expect(
      gitlabWrites(fleet, 'PUT', /merge_requests\/\d+\/merge$/),
    ).toHaveLength(0);

    // Someone merges it in GitLab.
    const [mr] = awaiting.mergeRequests;
    const gitlab = new Gitlab({
      host: fleet.gitlab.url,
      token: fleet.gitlab.token,
    });
    await gitlab.MergeRequests.merge(mr.project, mr.iid);

    const done = await waitForWave(waveId, w => w.status === 'SUCCEEDED');
    expect(done.mergeRequests[0].state).toBe('merged');
    expect(fleet.cluster('test-1').istioVersion()).toBe('1.23.0');
  });
});
