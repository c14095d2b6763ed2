import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repositoryRoot } from '../repository';
import { describeObject, KubeObject, SourcedObject } from './documents';
import { Finding } from './Finding';

type ModelResult =
  | { status: 'valid' }
  | { status: 'invalid'; message: string }
  | { status: 'no-model' };

/**
 * Runs schemaValidator.mjs (plain Node, because the model packages are ES modules only) on the objects and
 * returns one result per object, in order.
 */
export function validateWithModels(objects: KubeObject[]): ModelResult[] {
  if (objects.length === 0) return [];
  const script = path.join(
    repositoryRoot(),
    'packages/template-gates/src/gates/schemaValidator.mjs',
  );
  const stdout = execFileSync(process.execPath, [script], {
    input: JSON.stringify(objects),
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as ModelResult[];
}

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A structural check of a kind that no model package covers: the messages of what is wrong. */
type StructuralCheck = (object: KubeObject, all: KubeObject[]) => string[];

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const constraintTemplate: StructuralCheck = object => {
  const problems: string[] = [];
  const kind = object.spec?.crd?.spec?.names?.kind;
  if (typeof kind !== 'string') {
    problems.push('spec.crd.spec.names.kind is required');
  } else if (object.metadata?.name !== kind.toLowerCase()) {
    problems.push(
      `metadata.name must be the lower-cased constraint kind (${kind.toLowerCase()})`,
    );
  }
  const targets = object.spec?.targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    problems.push('spec.targets must list at least one target');
  } else {
    targets.forEach((target: any, i: number) => {
      if (target?.target !== 'admission.k8s.gatekeeper.sh') {
        problems.push(
          `spec.targets[${i}].target must be admission.k8s.gatekeeper.sh`,
        );
      }
      const code = target?.rego ?? target?.code;
      if (typeof target?.rego !== 'string' && !Array.isArray(target?.code)) {
        problems.push(`spec.targets[${i}] needs rego (string) or code`);
      } else if (typeof code === 'string' && !/\bviolation\s*\[/.test(code)) {
        problems.push(`spec.targets[${i}].rego defines no violation[...] rule`);
      } else if (typeof code === 'string' && !/^\s*package\s+\S+/m.test(code)) {
        problems.push(`spec.targets[${i}].rego has no package clause`);
      }
    });
  }
  return problems;
};

const gatekeeperConstraint: StructuralCheck = (object, all) => {
  const problems: string[] = [];
  const defined = all.some(
    other =>
      other.kind === 'ConstraintTemplate' &&
      other.spec?.crd?.spec?.names?.kind === object.kind,
  );
  if (!defined) {
    problems.push(
      `no ConstraintTemplate in the rendering defines the kind ${object.kind}`,
    );
  }
  const action = object.spec?.enforcementAction;
  if (action !== undefined && !['deny', 'dryrun', 'warn'].includes(action)) {
    problems.push(
      `spec.enforcementAction must be deny, dryrun or warn (got ${action})`,
    );
  }
  if (object.spec?.match !== undefined && !isRecord(object.spec.match)) {
    problems.push('spec.match must be a mapping');
  }
  return problems;
};

function collectorConfig(object: KubeObject): Record<string, any> | undefined {
  const config = object.spec?.config;
  // v1alpha1 carries the collector configuration as a YAML string, v1beta1 as a mapping.
  if (typeof config === 'string') {
    try {
      return parseYaml(config);
    } catch {
      return undefined;
    }
  }
  return isRecord(config) ? config : undefined;
}

const openTelemetryCollector: StructuralCheck = object => {
  const config = collectorConfig(object);
  if (!config) return ['spec.config must hold the collector configuration'];
  const problems: string[] = [];
  const pipelines = config.service?.pipelines;
  if (!isRecord(pipelines) || Object.keys(pipelines).length === 0) {
    return ['spec.config.service.pipelines must define at least one pipeline'];
  }
  for (const [name, pipeline] of Object.entries(pipelines)) {
    for (const section of ['receivers', 'processors', 'exporters'] as const) {
      const used = (pipeline as any)?.[section] ?? [];
      if (
        (section === 'receivers' || section === 'exporters') &&
        used.length === 0
      ) {
        problems.push(`pipeline ${name} has no ${section}`);
      }
      for (const component of used) {
        if (!isRecord(config[section]) || !(component in config[section])) {
          problems.push(
            `pipeline ${name} uses ${section.slice(
              0,
              -1,
            )} ${component}, which is not defined`,
          );
        }
      }
    }
  }
  return problems;
};

const jaeger: StructuralCheck = object => {
  const strategy = object.spec?.strategy;
  if (
    strategy !== undefined &&
    !['allInOne', 'allinone', 'production', 'streaming'].includes(strategy)
  ) {
    return [
      `spec.strategy must be allInOne, production or streaming (got ${strategy})`,
    ];
  }
  return [];
};

/** Kinds no model package covers, each with the structural check the gates apply instead. */
const STRUCTURAL_CHECKS: Array<{
  matches: (o: KubeObject) => boolean;
  label: string;
  check: StructuralCheck;
}> = [
  {
    label: 'Gatekeeper ConstraintTemplate',
    matches: o =>
      o.apiVersion?.startsWith('templates.gatekeeper.sh/') === true &&
      o.kind === 'ConstraintTemplate',
    check: constraintTemplate,
  },
  {
    label: 'Gatekeeper constraint',
    matches: o =>
      o.apiVersion?.startsWith('constraints.gatekeeper.sh/') === true,
    check: gatekeeperConstraint,
  },
  {
    label: 'OpenTelemetryCollector',
    matches: o =>
      o.apiVersion?.startsWith('opentelemetry.io/') === true &&
      o.kind === 'OpenTelemetryCollector',
    check: openTelemetryCollector,
  },
  {
    label: 'Jaeger',
    matches: o =>
      o.apiVersion?.startsWith('jaegertracing.io/') === true &&
      o.kind === 'Jaeger',
    check: jaeger,
  },
];

export interface SchemaReport {
  findings: Finding[];
  /** `apiVersion kind` → how many objects the models validated. */
  modelled: Record<string, number>;
  /** `apiVersion kind` → how many objects got a structural check instead (no model exists). */
  structural: Record<string, number>;
}

/**
 * Validates every Kubernetes object: with its model where one exists; otherwise with the structural check of its
 * kind (listed in the report); a kind with neither fails, so nothing passes unchecked.
 */
export function checkSchemas(objects: SourcedObject[]): SchemaReport {
  const results = validateWithModels(objects.map(o => o.object));
  const all = objects.map(o => o.object);
  const report: SchemaReport = { findings: [], modelled: {}, structural: {} };
  objects.forEach(({ file, object }, i) => {
    const key = `${object.apiVersion} ${object.kind}`;
    const result = results[i];
    const name = object.metadata?.name;
    if (
      typeof name !== 'string' ||
      !DNS_SUBDOMAIN.test(name) ||
      name.length > 253
    ) {
      report.findings.push({
        gate: 'schema',
        file,
        object: describeObject(object),
        rule: 'metadata-name',
        message: `metadata.name must be a DNS subdomain (got ${JSON.stringify(
          name,
        )})`,
      });
    }
    if (result.status === 'valid') {
      report.modelled[key] = (report.modelled[key] ?? 0) + 1;
      return;
    }
    if (result.status === 'invalid') {
      report.modelled[key] = (report.modelled[key] ?? 0) + 1;
      report.findings.push({
        gate: 'schema',
        file,
        object: describeObject(object),
        rule: 'model',
        message: result.message,
      });
      return;
    }
    const structural = STRUCTURAL_CHECKS.find(c => c.matches(object));
    if (!structural) {
      report.findings.push({
        gate: 'schema',
        file,
        object: describeObject(object),
        rule: 'unknown-kind',
        message: `no model and no structural check for ${key}; add one to packages/template-gates/src/gates/schemas.ts`,
      });
      return;
    }
    report.structural[key] = (report.structural[key] ?? 0) + 1;
    for (const message of structural.check(object, all)) {
      report.findings.push({
        gate: 'schema',
        file,
        object: describeObject(object),
        rule: 'structure',
        message,
      });
    }
  });
  return report;
}
