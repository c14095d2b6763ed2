import { parseYamlDocuments } from './documents';
import { formatFinding } from './Finding';
import { checkSchemas } from './schemas';

function schemaFindings(yaml: string) {
  const report = checkSchemas(parseYamlDocuments('k8s/x.yaml', yaml).objects);
  return { findings: report.findings.map(formatFinding), report };
}

describe('checkSchemas', () => {
  it('validates core, Istio, Flux, Argo CD and Prometheus Operator kinds with their models', () => {
    const { findings, report } = schemaFindings(`
apiVersion: v1
kind: Service
metadata: { name: api }
spec: { ports: [{ port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api }
spec: { hosts: [api], http: [{ route: [{ destination: { host: api } }] }] }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: istiod }
spec: { interval: 10m, chart: { spec: { chart: istiod, sourceRef: { kind: HelmRepository, name: istio } } } }
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: sessions }
spec: { project: default, destination: { server: https://kubernetes.default.svc }, source: { repoURL: https://git.example.com/x.git } }
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: alerts }
spec: { groups: [{ name: g, rules: [{ alert: Down, expr: up == 0 }] }] }
`);
    expect(findings).toEqual([]);
    expect(Object.keys(report.modelled).sort()).toEqual([
      'argoproj.io/v1alpha1 Application',
      'helm.toolkit.fluxcd.io/v2 HelmRelease',
      'monitoring.coreos.com/v1 PrometheusRule',
      'networking.istio.io/v1 VirtualService',
      'v1 Service',
    ]);
  });

  it('names the object and the schema error', () => {
    expect(
      schemaFindings(
        'apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { ports: [{ port: http }] }\n',
      ).findings,
    ).toEqual([
      '[schema/model] k8s/x.yaml Service/api: data/spec/ports/0/port must be integer',
    ]);
    expect(
      schemaFindings(
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: istiod }\nspec: {}\n',
      ).findings,
    ).toEqual([
      '[schema/model] k8s/x.yaml HelmRelease/istiod: data/spec must have required property interval',
    ]);
  });

  it('refuses names that are not DNS subdomains', () => {
    expect(
      schemaFindings(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: My_Config }\n',
      ).findings,
    ).toEqual([
      '[schema/metadata-name] k8s/x.yaml ConfigMap/My_Config: metadata.name must be a DNS subdomain (got "My_Config")',
    ]);
  });

  it('checks Gatekeeper templates and constraints structurally, and lists them', () => {
    const template = `
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: { name: k8srequiredprobes }
spec:
  crd: { spec: { names: { kind: K8sRequiredProbes } } }
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredprobes
        violation[{"msg": msg}] { msg := "x" }
`;
    const good = schemaFindings(`${template}---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredProbes
metadata: { name: must-have-probes }
spec: { enforcementAction: deny }
`);
    expect(good.findings).toEqual([]);
    expect(good.report.structural).toEqual({
      'templates.gatekeeper.sh/v1 ConstraintTemplate': 1,
      'constraints.gatekeeper.sh/v1beta1 K8sRequiredProbes': 1,
    });

    expect(
      schemaFindings(`${template
        .replace('name: k8srequiredprobes', 'name: probes')
        .replace('violation[', 'deny[')}---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: { name: labels }
spec: { enforcementAction: block }
`).findings,
    ).toEqual([
      '[schema/structure] k8s/x.yaml ConstraintTemplate/probes: metadata.name must be the lower-cased constraint kind (k8srequiredprobes)',
      '[schema/structure] k8s/x.yaml ConstraintTemplate/probes: spec.targets[0].rego defines no violation[...] rule',
      '[schema/structure] k8s/x.yaml K8sRequiredLabels/labels: no ConstraintTemplate in the rendering defines the kind K8sRequiredLabels',
      '[schema/structure] k8s/x.yaml K8sRequiredLabels/labels: spec.enforcementAction must be deny, dryrun or warn (got block)',
    ]);
  });

  it('checks an OpenTelemetryCollector pipeline against the components it defines', () => {
    expect(
      schemaFindings(`
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: { name: otel }
spec:
  config:
    receivers: { otlp: { protocols: { grpc: {} } } }
    exporters: { otlp/jaeger: { endpoint: "jaeger:4317" } }
    service: { pipelines: { traces: { receivers: [otlp], processors: [batch], exporters: [otlp/jaeger] } } }
`).findings,
    ).toEqual([
      '[schema/structure] k8s/x.yaml OpenTelemetryCollector/otel: pipeline traces uses processor batch, which is not defined',
    ]);
  });

  it('fails a kind that has neither a model nor a structural check, instead of passing it', () => {
    expect(
      schemaFindings(
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n',
      ).findings,
    ).toEqual([
      '[schema/unknown-kind] k8s/x.yaml Widget/w: no model and no structural check for example.com/v1 Widget; add one to packages/template-gates/src/gates/schemas.ts',
    ]);
  });
});
