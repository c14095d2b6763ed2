import { mockCredentials } from '@backstage/backend-test-utils';
import { restCaller } from '@fleetdeck/backend-common/testUtils';
import type { WaveDetail } from '@fleetdeck/plugin-upgrade-waves-common';
import { Fleet, typeOfKind } from '@fleetdeck/sandbox';

export const ADA = 'user:default/ada';
export const GRACE = 'user:default/grace';
export const NOBODY = 'user:default/nobody';

/** The upgrade-waves REST API as a test calls it, as one user or another. */
export function waveApi(baseUrl: () => string) {
  const call = restCaller(baseUrl, mockCredentials.user.header);

  async function waitForWave(
    waveId: string,
    done: (wave: WaveDetail) => boolean,
    timeoutMs = 90_000,
  ): Promise<WaveDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const wave: WaveDetail = (await call('GET', `/waves/${waveId}`, ADA))
        .body;
      if (done(wave)) return wave;
      if (Date.now() > deadline) {
        throw new Error(
          `wave is ${wave.status}: ${wave.clusters
            .map(c => `${c.name}=${c.status}`)
            .join(', ')} ${wave.reason ?? ''}; failed checks: ${wave.checks
            .filter(c => c.outcome === 'failed')
            .map(c => `${c.clusterId}/${c.check}: ${c.message}`)
            .join('; ')}`,
        );
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }

  return { call, waitForWave };
}

/** GitLab writes that succeeded, by method and path pattern. */
export function gitlabWrites(fleet: Fleet, method: string, pattern: RegExp) {
  return fleet.gitlab
    .requestLog()
    .filter(r => r.method === method && pattern.test(r.path) && r.status < 300);
}

/** The states a successful wave goes through, in order, as its event log records them. */
export const HEALTHY_WAVE_PATH = [
  'PRE_CHECKS',
  'AWAITING_APPROVAL',
  'MERGING',
  'UPGRADING',
  'SOAKING',
  'SUCCEEDED',
];

/** The cluster transitions a successful wave writes for each cluster, in order. */
export const HEALTHY_PATH = [
  'PRE_CHECK_RUNNING',
  'PRE_CHECK_PASSED',
  'MR_CREATED',
  'UPGRADING',
  'POST_CHECK_RUNNING',
  'HEALTHY',
];

/** Each cluster's transitions, as the wave's event log records them. */
export function clusterPaths(wave: WaveDetail): Record<string, string[]> {
  return Object.fromEntries(
    wave.clusters.map(c => [
      c.clusterId,
      wave.events
        .filter(e => e.clusterId === c.clusterId && e.type === 'cluster-status')
        .map(e => e.to!),
    ]),
  );
}

/**
 * How often each Deployment of the given namespace was changed: `metadata.generation` counts spec changes,
 * so a workload restarted once by a wave is at 2, and a second restart would make it 3.
 */
export function deploymentGenerations(
  fleet: Fleet,
  clusterName: string,
  namespace: string,
): Record<string, number> {
  const store = fleet.cluster(clusterName).store;
  return Object.fromEntries(
    store
      .list(typeOfKind('Deployment'), namespace)
      .map(d => [d.metadata.name, d.metadata.generation ?? 0]),
  );
}

/** When each pod of a sandbox namespace last became Ready (pods not Ready have no entry). */
export function podsReadyAt(
  fleet: Fleet,
  clusterName: string,
  namespace: string,
): Array<{ pod: string; readyAt: string }> {
  const store = fleet.cluster(clusterName).store;
  return store.list(typeOfKind('Pod'), namespace).flatMap(p => {
    const ready = (
      (p.status?.conditions ?? []) as Array<{
        type?: string;
        status?: string;
        lastTransitionTime?: string;
      }>
    ).find(c => c.type === 'Ready' && c.status === 'True');
    return ready?.lastTransitionTime
      ? [{ pod: p.metadata.name ?? '', readyAt: ready.lastTransitionTime }]
      : [];
  });
}
