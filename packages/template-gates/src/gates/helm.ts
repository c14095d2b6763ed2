import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { parseYamlDocuments, SourcedObject } from './documents';
import { Finding } from './Finding';

/** Folders of the rendered project that hold a Helm chart (a Chart.yaml). */
export function chartDirs(files: string[]): string[] {
  return files
    .filter(f => path.posix.basename(f) === 'Chart.yaml')
    .map(f => path.posix.dirname(f));
}

/** Whether a file is one of a chart's Go templates, which are not YAML until Helm renders them. */
export function isChartTemplate(file: string, charts: string[]): boolean {
  return charts.some(chart =>
    file.startsWith(`${chart === '.' ? '' : `${chart}/`}templates/`),
  );
}

function ajvFor(schema: Record<string, unknown>) {
  const draft = String(schema.$schema ?? '');
  const options = { allErrors: true, strict: false } as const;
  if (draft.includes('2020-12')) return new Ajv2020(options);
  if (draft.includes('2019-09')) return new Ajv2019(options);
  return new Ajv(options);
}

/** The chart's values files: `values.yaml` and its variants (`values-staging.yaml`, …), in the chart's folder. */
function valuesFilesOf(chart: string, files: string[]): string[] {
  const prefix = chart === '.' ? '' : `${chart}/`;
  return files.filter(
    f =>
      f.startsWith(prefix) &&
      /^values[^/]*\.ya?ml$/.test(f.slice(prefix.length)),
  );
}

export interface HelmReport {
  findings: Finding[];
  validatedValues: string[];
}

/** Every chart: Chart.yaml names it and its version; every values*.yaml validates against values.schema.json. */
export function checkHelmCharts(root: string, files: string[]): HelmReport {
  const report: HelmReport = { findings: [], validatedValues: [] };
  for (const chart of chartDirs(files)) {
    const prefix = chart === '.' ? '' : `${chart}/`;
    const chartFile = `${prefix}Chart.yaml`;
    const meta = parse(readFileSync(path.join(root, chartFile), 'utf8')) ?? {};
    if (meta.apiVersion !== 'v2')
      report.findings.push({
        gate: 'helm',
        file: chartFile,
        rule: 'chart',
        message: 'apiVersion must be v2',
      });
    if (typeof meta.name !== 'string')
      report.findings.push({
        gate: 'helm',
        file: chartFile,
        rule: 'chart',
        message: 'name is required',
      });
    if (!/^\d+\.\d+\.\d+([-+].*)?$/.test(String(meta.version ?? ''))) {
      report.findings.push({
        gate: 'helm',
        file: chartFile,
        rule: 'chart',
        message: `version must be semver (got ${meta.version})`,
      });
    }
    const valuesFiles = valuesFilesOf(chart, files);
    const schemaFile = `${prefix}values.schema.json`;
    if (!existsSync(path.join(root, schemaFile))) {
      report.findings.push({
        gate: 'helm',
        file: schemaFile,
        rule: 'values-schema',
        message:
          'the chart has no values.schema.json to validate its values against',
      });
      continue;
    }
    let validate;
    try {
      const schema = JSON.parse(
        readFileSync(path.join(root, schemaFile), 'utf8'),
      );
      // Ajv knows draft-07 by its http URI only; charts often write https. The draft itself is the same.
      const { $schema, ...rest } = schema;
      validate = ajvFor(schema).compile(
        /draft-0[67]/.test(String($schema ?? '')) ? rest : schema,
      );
    } catch (error) {
      report.findings.push({
        gate: 'helm',
        file: schemaFile,
        rule: 'values-schema',
        message: `not a usable JSON schema: ${(error as Error).message}`,
      });
      continue;
    }
    for (const file of valuesFiles) {
      let values: unknown;
      try {
        values = parse(readFileSync(path.join(root, file), 'utf8')) ?? {};
      } catch {
        continue; // the yaml gate reports it
      }
      report.validatedValues.push(file);
      if (!validate(values)) {
        for (const error of validate.errors ?? []) {
          report.findings.push({
            gate: 'helm',
            file,
            rule: 'values-schema',
            message: `${error.instancePath || '/'} ${error.message}${
              error.params ? ` ${JSON.stringify(error.params)}` : ''
            }`,
          });
        }
      }
    }
  }
  return report;
}

/** One `helm template` of a chart: with its defaults (values.yaml), or with a values file layered over them. */
export interface HelmRender {
  chart: string;
  /** The values file given with `-f`; undefined for the chart's defaults. */
  values?: string;
  /** `helm template <chart> [-f <values>]`, naming the rendering in object sets and findings. */
  label: string;
  objects: SourcedObject[];
}

export interface HelmRenderReport {
  findings: Finding[];
  renders: HelmRender[];
  /** Why the charts were not rendered (no helm to run); undefined when they were, or when there are none. */
  notRendered?: string;
}

/** The helm the gates run: `$FLEETDECK_GATES_HELM`, else `helm` on PATH. */
export function helmCommand(): string {
  return process.env.FLEETDECK_GATES_HELM || 'helm';
}

/**
 * Splits `helm template` output into objects, each named by the chart template it came from
 * (`# Source: <chart name>/templates/x.yaml` → `<chart folder>/templates/x.yaml (via helm template …)`).
 */
function renderedObjects(
  output: string,
  chart: string,
  via: string,
): { objects: SourcedObject[]; findings: Finding[] } {
  const prefix = chart === '.' ? '' : `${chart}/`;
  const objects: SourcedObject[] = [];
  const findings: Finding[] = [];
  for (const chunk of output.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(chunk)?.[1]?.trim();
    const file = `${source ? `${prefix}${source}` : chart} (via ${via})`;
    const parsed = parseYamlDocuments(file, chunk);
    objects.push(...parsed.objects);
    findings.push(
      ...parsed.findings.map(f => ({
        ...f,
        gate: 'helm' as const,
        rule: 'renders',
      })),
    );
  }
  return { objects, findings };
}

/**
 * Renders every chart with `helm template`: once with its defaults and once with each other values*.yaml
 * layered over them (as `helm install -f values-production.yaml` would), so that the schema and production
 * gates see the objects the chart really makes. Without helm the charts are not rendered, and the report says so.
 */
export function renderHelmCharts(
  root: string,
  files: string[],
  helm: string = helmCommand(),
): HelmRenderReport {
  const report: HelmRenderReport = { findings: [], renders: [] };
  const charts = chartDirs(files);
  for (const chart of charts) {
    const prefix = chart === '.' ? '' : `${chart}/`;
    let release = path.posix.basename(path.resolve(root, chart));
    try {
      const meta = parse(
        readFileSync(path.join(root, prefix, 'Chart.yaml'), 'utf8'),
      );
      if (typeof meta?.name === 'string') release = meta.name;
    } catch {
      // the yaml and chart rules report a broken Chart.yaml
    }
    const overrides = valuesFilesOf(chart, files).filter(
      f => !/^values\.ya?ml$/.test(f.slice(prefix.length)),
    );
    for (const values of [undefined, ...overrides]) {
      const label = `helm template ${chart}${
        values ? ` -f ${values.slice(prefix.length)}` : ''
      }`;
      const result = spawnSync(
        helm,
        [
          'template',
          release,
          path.join(root, chart),
          ...(values ? ['-f', path.join(root, values)] : []),
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (
        (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
      ) {
        report.notRendered = `${helm} is not on PATH: the templates of ${charts.join(
          ', ',
        )} were not rendered, only their values validated (\`source scripts/lib/bootstrap.sh; ensure_kube_tools\` provides helm)`;
        report.renders = [];
        return report;
      }
      if (result.error || result.status !== 0) {
        report.findings.push({
          gate: 'helm',
          file: values ?? `${prefix}Chart.yaml`,
          rule: 'renders',
          message: `${label}: ${
            result.error?.message ??
            (result.stderr.trim() || `exited with ${result.status}`)
          }`,
        });
        continue;
      }
      const parsed = renderedObjects(result.stdout, chart, label);
      report.findings.push(...parsed.findings);
      report.renders.push({ chart, values, label, objects: parsed.objects });
    }
  }
  return report;
}
