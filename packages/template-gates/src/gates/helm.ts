import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
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
    const valuesFiles = files.filter(
      f =>
        f.startsWith(prefix) &&
        /^values[^/]*\.ya?ml$/.test(f.slice(prefix.length)),
    );
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
