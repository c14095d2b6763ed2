import { Gitlab } from '@gitbeaker/rest';
import { Fleet } from '@fleetdeck/sandbox';
import {
  sandboxWaveConfig,
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import { ADA, GRACE, gitlabWrites, waveApi } from './__testUtils__/waveApi';

jest.setTimeout(180_000);

/**
 * What GitLab and people do to a wave's merge request, on the whole backend against the sandbox fleet: a refused
 * merge stops the wave visibly (NEEDS_ATTENTION, notified) instead of retrying in silence, and a merge GitLab did
 * but answered with a 5xx is found merged, not done twice.
 */
describe('a wave meets GitLab', () => {
  let fleet: Fleet;
  let backend: WaveBackend;
  let person: Gitlab;
  const { call, waitForWave } = waveApi(() => backend.url);

  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
    person = new Gitlab({
      host: fleet.gitlab.url,
      token: fleet.gitlab.addPerson('mallory').token,
    });
    backend = await startWaveBackend({
      config: sandboxWaveConfig(
        fleet,
        { client: 'better-sqlite3', connection: ':memory:' },
        { soakSeconds: 1 },
      ),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  async function waveAwaitingApproval(batchId: string) {
    const started = await call('POST', '/waves', ADA, {
      batchId,
      targetVersion: '1.23.0',
      overrideOrder: true,
    });
    expect(started.status).toBe(201);
    return waitForWave(started.body.id, w => w.status === 'AWAITING_APPROVAL');
  }

  it('stops for a person when GitLab refuses the merge (a draft), and carries on after a retry', async () => {
    const wave = await waveAwaitingApproval('test');
    const [mr] = wave.mergeRequests;
    // someone marks the merge request as a draft in GitLab: GitLab answers 405 to a merge
    await person.MergeRequests.edit(mr.project, mr.iid, {
      title: `Draft: ${mr.title}`,
    });
    expect(
      (
        await call('POST', `/waves/${wave.id}/approve`, GRACE, {
          comment: 'go',
        })
      ).status,
    ).toBe(200);

    const stopped = await waitForWave(
      wave.id,
      w => w.status === 'NEEDS_ATTENTION',
    );
    expect(stopped.attention).toMatchObject({
      kind: 'gitlab-refused',
      from: 'MERGING',
      upgradeMerged: false,
    });
    expect(stopped.reason).toMatch(/merge merge request/);
    expect(
      backend.notifications.find(
        n => n.payload.topic === 'upgrade-waves:needs-attention',
      )?.recipients,
    ).toMatchObject({ type: 'entity' });
    expect(gitlabWrites(fleet, 'PUT', /\/merge$/)).toHaveLength(0);

    await person.MergeRequests.edit(mr.project, mr.iid, { title: mr.title });
    expect(
      (
        await call('POST', `/waves/${wave.id}/retry`, GRACE, {
          comment: 'draft removed',
        })
      ).status,
    ).toBe(200);
    const done = await waitForWave(wave.id, w => w.status === 'SUCCEEDED');
    expect(done.events.filter(e => e.type === 'retried')).toEqual([
      expect.objectContaining({ actor: GRACE, to: 'MERGING' }),
    ]);
  });

  it('finds a merge that GitLab did and then answered with a 502, and merges once', async () => {
    const wave = await waveAwaitingApproval('dev-wave-1');
    let merges = 0;
    const unsubscribe = fleet.gitlab.onMerge(event => {
      if (
        event.projectPath === wave.mergeRequests[0].project &&
        event.iid === wave.mergeRequests[0].iid
      ) {
        merges++;
      }
    });
    // every merge of this project is carried out, then answered with a 502 (as a proxy that timed out would)
    fleet.gitlab.injectFaults({
      status: 502,
      rate: 1,
      method: 'PUT',
      afterHandling: true,
      pathPattern: /merge_requests\/\d+\/merge$/,
    });
    try {
      expect(
        (
          await call('POST', `/waves/${wave.id}/approve`, GRACE, {
            comment: 'go',
          })
        ).status,
      ).toBe(200);
      const upgrading = await waitForWave(
        wave.id,
        w => !['AWAITING_APPROVAL', 'MERGING'].includes(w.status),
      );
      expect(['UPGRADING', 'SOAKING', 'SUCCEEDED']).toContain(upgrading.status);
    } finally {
      fleet.gitlab.clearFaults();
    }
    const done = await waitForWave(wave.id, w => w.status === 'SUCCEEDED');
    expect(done.mergeRequests[0].state).toBe('merged');
    unsubscribe();
    // merged once: the retried request was refused as already merged, and a read found the merge
    expect(merges).toBe(1);
    const answers = fleet.gitlab
      .requestLog()
      .filter(
        r =>
          r.method === 'PUT' &&
          r.path.endsWith(
            `${wave.mergeRequests[0].project}/merge_requests/${wave.mergeRequests[0].iid}/merge`,
          ),
      )
      .map(r => r.status);
    expect(answers[0]).toBe(502);
    expect(answers.slice(1).every(status => status === 405)).toBe(true);
  });
});
