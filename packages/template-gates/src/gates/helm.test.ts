import { writeProject } from './__fixtures__/project';
import { GOOD_MANIFESTS } from './__fixtures__/workloads';
import { formatFinding } from './Finding';
import { checkHelmCharts, isChartTemplate, renderHelmCharts } from './helm';

const schema = JSON.stringify({
  $schema: 'https://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['replicas'],
  properties: {
    replicas: { type: 'integer', minimum: 1 },
    image: { type: 'object', properties: { tag: { type: 'string' } } },
  },
});

describe('helm gate', () => {
  it('validates every values file against values.schema.json', () => {
    const project = writeProject({
      'chart/Chart.yaml': 'apiVersion: v2\nname: store\nversion: 0.1.0\n',
      'chart/values.schema.json': schema,
      'chart/values.yaml': 'replicas: 1\n',
      'chart/values-production.yaml': 'replicas: 3\nimage: { tag: 7.4.1 }\n',
    });
    try {
      const report = checkHelmCharts(project.root, project.files);
      expect(report.findings).toEqual([]);
      expect(report.validatedValues).toEqual([
        'chart/values-production.yaml',
        'chart/values.yaml',
      ]);
    } finally {
      project.remove();
    }
  });

  it('names the values file and the field that break the schema, and a chart without a version', () => {
    const project = writeProject({
      'chart/Chart.yaml': 'apiVersion: v2\nname: store\n',
      'chart/values.schema.json': schema,
      'chart/values-staging.yaml': 'replicas: 0\nimage: { tag: 7 }\n',
    });
    try {
      expect(
        checkHelmCharts(project.root, project.files).findings.map(
          formatFinding,
        ),
      ).toEqual([
        '[helm/chart] chart/Chart.yaml: version must be semver (got undefined)',
        '[helm/values-schema] chart/values-staging.yaml: /replicas must be >= 1 {"comparison":">=","limit":1}',
        '[helm/values-schema] chart/values-staging.yaml: /image/tag must be string {"type":"string"}',
      ]);
    } finally {
      project.remove();
    }
  });

  it('needs a schema when a chart has values', () => {
    const project = writeProject({
      'Chart.yaml': 'apiVersion: v2\nname: s\nversion: 1.0.0\n',
      'values.yaml': 'a: 1\n',
    });
    try {
      expect(
        checkHelmCharts(project.root, project.files).findings.map(
          formatFinding,
        ),
      ).toEqual([
        '[helm/values-schema] values.schema.json: the chart has no values.schema.json to validate its values against',
      ]);
    } finally {
      project.remove();
    }
  });

  it('knows a chart’s Go templates', () => {
    expect(
      isChartTemplate('helm/store/templates/deployment.yaml', ['helm/store']),
    ).toBe(true);
    expect(isChartTemplate('templates/deployment.yaml', ['.'])).toBe(true);
    expect(isChartTemplate('k8s/deployment.yaml', ['helm/store'])).toBe(false);
  });
});

/** A chart whose templates are the good manifests with the API's image tag and replicas taken from values. */
const shopChart = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'chart/values.schema.json': JSON.stringify({
    type: 'object',
    properties: {
      replicas: { type: 'integer', minimum: 2 },
      image: { type: 'object', properties: { tag: { type: 'string' } } },
    },
  }),
  'chart/values.yaml': 'replicas: 2\nimage: { tag: 1.4.2 }\n',
  'chart/values-production.yaml': 'replicas: 4\n',
  'chart/values-edge.yaml': 'image: { tag: latest }\n',
  'chart/templates/shop.yaml': GOOD_MANIFESTS.replace(
    'image: registry.example.com/shop/api:1.4.2',
    'image: registry.example.com/shop/api:{{ .Values.image.tag }}',
  ).replace('replicas: 2', 'replicas: {{ .Values.replicas }}'),
  'chart/templates/_helpers.tpl': '{{- define "shop.name" -}}shop{{- end }}\n',
};

describe('helm template (helm on PATH; scripts/lib/bootstrap.sh ensure_kube_tools provides it)', () => {
  it('renders each chart with its defaults and with each values file layered over them', () => {
    const project = writeProject(shopChart);
    try {
      const report = renderHelmCharts(project.root, project.files);
      expect(report.notRendered).toBeUndefined();
      expect(report.findings).toEqual([]);
      expect(report.renders.map(r => r.label)).toEqual([
        'helm template chart',
        'helm template chart -f values-edge.yaml',
        'helm template chart -f values-production.yaml',
      ]);
      const deployments = report.renders.map(r => {
        const { file, object } = r.objects.find(
          o => o.object.kind === 'Deployment',
        )!;
        return [
          file,
          object.spec.replicas,
          object.spec.template.spec.containers[0].image,
        ];
      });
      expect(deployments).toEqual([
        [
          'chart/templates/shop.yaml (via helm template chart)',
          2,
          'registry.example.com/shop/api:1.4.2',
        ],
        [
          'chart/templates/shop.yaml (via helm template chart -f values-edge.yaml)',
          2,
          'registry.example.com/shop/api:latest',
        ],
        [
          'chart/templates/shop.yaml (via helm template chart -f values-production.yaml)',
          4,
          'registry.example.com/shop/api:1.4.2',
        ],
      ]);
      // in Helm's install order
      expect(report.renders[0].objects.map(o => o.object.kind)).toEqual([
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
        'Deployment',
        'CronJob',
      ]);
    } finally {
      project.remove();
    }
  });

  it('names the values file a chart does not render with, and Helm’s reason', () => {
    const project = writeProject({
      ...shopChart,
      'chart/values-production.yaml': 'replicas: 1\n',
      'chart/templates/broken.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Values.nothing.here }} }\n',
    });
    try {
      const findings = renderHelmCharts(
        project.root,
        project.files,
      ).findings.map(formatFinding);
      expect(findings).toEqual([
        expect.stringMatching(
          /^\[helm\/renders\] chart\/Chart\.yaml: helm template chart: Error: template: shop\/templates\/broken\.yaml:3:.*nil pointer evaluating interface \{\}\.here/,
        ),
        expect.stringMatching(
          /^\[helm\/renders\] chart\/values-edge\.yaml: helm template chart -f values-edge\.yaml: Error: template: shop\/templates\/broken\.yaml/,
        ),
        // Helm checks values against values.schema.json before it renders
        expect.stringMatching(
          /^\[helm\/renders\] chart\/values-production\.yaml: helm template chart -f values-production\.yaml: Error: values don't meet the specifications of the schema\(s\)[^]*replicas/,
        ),
      ]);
    } finally {
      project.remove();
    }
  });
});

describe('helm template without helm', () => {
  it('says that the charts were not rendered, instead of passing them silently', () => {
    const project = writeProject(shopChart);
    try {
      const report = renderHelmCharts(
        project.root,
        project.files,
        '/nonexistent/helm',
      );
      expect(report.renders).toEqual([]);
      expect(report.findings).toEqual([]);
      expect(report.notRendered).toBe(
        '/nonexistent/helm is not on PATH: the templates of chart were not rendered, only their values validated (`source scripts/lib/bootstrap.sh; ensure_kube_tools` provides helm)',
      );
    } finally {
      project.remove();
    }
  });

  it('has nothing to say about a project without charts', () => {
    const project = writeProject({ 'k8s/shop.yaml': GOOD_MANIFESTS });
    try {
      expect(
        renderHelmCharts(project.root, project.files, '/nonexistent/helm'),
      ).toEqual({ findings: [], renders: [] });
    } finally {
      project.remove();
    }
  });
});
