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

  it('sends each Helm rendering through the schema and production gates, naming the chart template and values file', () => {
    const chart = (files: Record<string, string>) =>
      new Map(
        Object.entries({
          'helm/shop/Chart.yaml':
            'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
          'helm/shop/values.schema.json': '{"type": "object"}',
          'helm/shop/values.yaml': 'image: { tag: 1.4.2 }\nport: 80\n',
          'helm/shop/templates/shop.yaml': GOOD_MANIFESTS.replace(
            'image: registry.example.com/shop/api:1.4.2',
            'image: registry.example.com/shop/api:{{ .Values.image.tag }}',
          ).replace(
            'ports: [{ name: http, port: 80, targetPort: 8080 }]',
            'ports: [{ name: http, port: {{ .Values.port }}, targetPort: 8080 }]',
          ),
          ...files,
        }).map(([k, v]) => [k, Buffer.from(v)]),
      );
    const clean = runGates(chart({}));
    expect(clean.findings).toEqual([]);
    expect(clean.chartTemplates).toEqual(['helm/shop/templates/shop.yaml']);
    expect(clean.helmRenders).toEqual(['helm template helm/shop (5 objects)']);
    expect(clean.objectSets).toEqual(['helm template helm/shop (5 objects)']);
    expect(clean.notes).toEqual([]);

    const broken = runGates(
      chart({
        'helm/shop/values-production.yaml':
          'image: { tag: latest }\nport: eighty\n',
      }),
    );
    expect(broken.findings.map(formatFinding)).toEqual([
      '[schema/model] helm/shop/templates/shop.yaml (via helm template helm/shop -f values-production.yaml) Service/api: data/spec/ports/0/port must be integer',
      '[production/image-pinned] helm/shop/templates/shop.yaml (via helm template helm/shop -f values-production.yaml) Deployment/api container api: image "registry.example.com/shop/api:latest" must carry a version tag or digest (not latest)',
    ]);
  });

  it('says in its notes when it has no helm to render a chart with', () => {
    const previous = process.env.FLEETDECK_GATES_HELM;
    process.env.FLEETDECK_GATES_HELM = '/nonexistent/helm';
    try {
      const report = runGates(
        new Map(
          Object.entries({
            'Chart.yaml': 'apiVersion: v2\nname: s\nversion: 1.0.0\n',
            'values.schema.json': '{"type": "object"}',
            'values.yaml': 'a: 1\n',
            'templates/cm.yaml':
              'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Values.a }} }\n',
          }).map(([k, v]) => [k, Buffer.from(v)]),
        ),
      );
      expect(report.findings).toEqual([]);
      expect(report.helmRenders).toEqual([]);
      expect(report.notes).toEqual([
        '/nonexistent/helm is not on PATH: the templates of . were not rendered, only their values validated (`source scripts/lib/bootstrap.sh; ensure_kube_tools` provides helm)',
      ]);
    } finally {
      if (previous === undefined) delete process.env.FLEETDECK_GATES_HELM;
      else process.env.FLEETDECK_GATES_HELM = previous;
    }
  });
});
