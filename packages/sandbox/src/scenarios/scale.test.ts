import { isPodReady } from '../kubernetes/controllers';
import { typeOfKind } from '../kubernetes/resources';
import { SandboxCluster } from '../kubernetes/SandboxCluster';
import { startScaleFleet } from './scale';

describe('the scale scenario', () => {
  let clusters: SandboxCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map(c => c.stop()));
  });

  it('builds clusters full of pods that become Ready', async () => {
    clusters = await startScaleFleet({ clusters: 3, podsPerCluster: 300 });
    const POD = typeOfKind('Pod');
    expect(clusters.map(c => c.store.list(POD).length)).toEqual([
      300, 300, 300,
    ]);
    const deadline = Date.now() + 15_000;
    while (!clusters.every(c => c.store.list(POD).every(isPodReady))) {
      if (Date.now() > deadline) throw new Error('pods did not become Ready');
      await new Promise(r => setTimeout(r, 100));
    }
    const sample = clusters[0].store.list(POD, 'team-0')[0];
    expect(sample.spec.containers.map((c: { name: string }) => c.name)).toEqual(
      ['app', 'istio-proxy'],
    );
  });
});
