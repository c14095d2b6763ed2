import { GOOD_MANIFESTS } from './__fixtures__/workloads';
import { writeProject } from './__fixtures__/project';
import { formatFinding } from './Finding';
import { runGates, runGatesOn } from './runGates';

describe('runGatesOn', () => {
  it('passes a clean project and reports what it looked at', () => {
    const project = writeProject({
      'k8s/shop.yaml': GOOD_MANIFESTS,
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: shop }\n',
      'dashboards/shop.json': '{"title": "Shop"}',
    });
    try {
      const report = runGatesOn(project.root, project.files);
      expect(report.findings).toEqual([]);
      expect(report.kinds).toEqual({
        CronJob: 1,
        Deployment: 1,
        NetworkPolicy: 1,
        PodDisruptionBudget: 1,
        Service: 1,
      });
      expect(report.objectSets).toEqual([
        'manifests outside kustomize (5 objects)',
      ]);
    } finally {
      project.remove();
    }
  });

  it('checks the overlay as kustomize builds it: a patch that breaks a rule fails with the built object named', () => {
    const report = runGates(
      new Map(
        Object.entries({
          'base/kustomization.yaml': 'resources: [shop.yaml]\n',
          'base/shop.yaml': GOOD_MANIFESTS,
          'overlays/dev/kustomization.yaml':
            'resources: [../../base]\npatches: [{ path: latest.yaml }]\n',
          'overlays/dev/latest.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api, namespace: shop }\nspec:\n  template:\n    spec:\n      containers: [{ name: api, image: "registry.example.com/shop/api:latest" }]\n',
          'broken.json': '{',
        }).map(([k, v]) => [k, Buffer.from(v)]),
      ),
    );
    expect(report.kustomizeBuilds).toEqual(['base', 'overlays/dev']);
    expect(report.findings.map(formatFinding)).toEqual([
      expect.stringMatching(/^\[yaml\/json-parses\] broken\.json: /),
      '[production/image-pinned] base/shop.yaml (via kubectl kustomize overlays/dev) Deployment/api container api: image "registry.example.com/shop/api:latest" must carry a version tag or digest (not latest)',
    ]);
  });
});
