import { writeProject } from './__fixtures__/project';
import { formatFinding } from './Finding';
import { checkHelmCharts, isChartTemplate } from './helm';

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
