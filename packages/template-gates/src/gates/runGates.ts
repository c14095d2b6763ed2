import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  isKubernetesObject,
  isYamlFile,
  parseYamlFiles,
  SourcedObject,
} from './documents';
import { Finding } from './Finding';
import {
  checkHelmCharts,
  chartDirs,
  isChartTemplate,
  renderHelmCharts,
} from './helm';
import {
  checkKustomizations,
  filesUnderKustomize,
  findKustomizations,
  patchFiles,
  rootKustomizations,
} from './kustomize';
import { checkDockerfile, checkProductionRules, ObjectSet } from './production';
import { checkPython, PythonReport } from './python';
import { checkSchemas } from './schemas';

/** What the gates found and what they looked at, for the test's message and the report. */
export interface GateReport {
  findings: Finding[];
  files: number;
  yamlFiles: number;
  /** Kubernetes objects as written in the files (patches excluded), by kind. */
  kinds: Record<string, number>;
  /** `apiVersion kind` checked structurally because no model exists. */
  structural: Record<string, number>;
  kustomizeBuilds: string[];
  objectSets: string[];
  /** Chart templates skipped by the YAML gate (Go templates are YAML only once Helm renders them). */
  chartTemplates: string[];
  helmValues: string[];
  /** Each `helm template` run whose objects went through the schema and production gates. */
  helmRenders: string[];
  /** What the gates could not do on this machine (e.g. no helm to render charts), for the test output. */
  notes: string[];
  python: Omit<PythonReport, 'findings'>;
}

/** Writes rendered files under a fresh temporary folder. */
export function writeRendering(files: Map<string, Buffer>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-gates-'));
  for (const [file, content] of files) {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Runs every gate on a rendered project in `root` (its files listed relative to it). */
export function runGatesOn(root: string, files: string[]): GateReport {
  const findings: Finding[] = [];
  const charts = chartDirs(files);
  const chartTemplates = files.filter(f => isChartTemplate(f, charts));

  const yamlFiles = files.filter(
    f => isYamlFile(f) && !chartTemplates.includes(f),
  );
  const parsed = parseYamlFiles(root, yamlFiles);
  findings.push(...parsed.findings);
  for (const file of files.filter(f => f.endsWith('.json'))) {
    try {
      JSON.parse(readFileSync(path.join(root, file), 'utf8'));
    } catch (error) {
      findings.push({
        gate: 'yaml',
        file,
        rule: 'json-parses',
        message: (error as Error).message,
      });
    }
  }

  const kustomizations = findKustomizations(root, files);
  const patches = patchFiles(kustomizations);
  const isKustomizeConfig = (o: SourcedObject) =>
    o.object.apiVersion?.startsWith('kustomize.config.k8s.io/') === true;
  const written = parsed.objects.filter(
    o =>
      isKubernetesObject(o.object) &&
      !isKustomizeConfig(o) &&
      !patches.has(o.file),
  );

  const kustomize = checkKustomizations(root, kustomizations);
  findings.push(...kustomize.findings);

  // A built object is named by the file that declares it (kind + name), so a finding points at what to edit.
  const declaredIn = new Map(
    written.map(o => [`${o.object.kind}/${o.object.metadata?.name}`, o.file]),
  );
  for (const build of kustomize.builds) {
    for (const built of build.objects) {
      const source = declaredIn.get(
        `${built.object.kind}/${built.object.metadata?.name}`,
      );
      if (source)
        built.file = `${source} (via kubectl kustomize ${build.dir || '.'})`;
    }
  }

  // Charts as Helm renders them, with their defaults and with each values file.
  const helmRenders = renderHelmCharts(root, files);

  // Schemas: the objects as written, as kustomize builds them (patches merged in), and as Helm renders them.
  const builtObjects = kustomize.builds.flatMap(b => b.objects);
  const schemas = checkSchemas([
    ...written,
    ...builtObjects,
    ...helmRenders.renders.flatMap(r => r.objects),
  ]);
  const seen = new Set<string>();
  for (const finding of schemas.findings) {
    const key = `${finding.object}|${finding.rule}|${finding.message}`;
    if (!seen.has(key)) findings.push(finding);
    seen.add(key);
  }

  // Production rules: per set of objects applied together.
  const underKustomize = filesUnderKustomize(root, kustomizations, files);
  const roots = new Set(rootKustomizations(kustomizations).map(k => k.dir));
  const sets: ObjectSet[] = kustomize.builds
    .filter(b => roots.has(b.dir))
    .map(b => ({
      label: `kubectl kustomize ${b.dir || '.'}`,
      objects: b.objects,
    }));
  const loose = written.filter(o => !underKustomize.has(o.file));
  if (loose.length > 0)
    sets.push({ label: 'manifests outside kustomize', objects: loose });
  sets.push(
    ...helmRenders.renders.map(r => ({ label: r.label, objects: r.objects })),
  );
  for (const set of sets) findings.push(...checkProductionRules(set));
  for (const file of files.filter(f =>
    /(^|\/)(Dockerfile|Containerfile)(\.[^/]*)?$/.test(f),
  )) {
    findings.push(
      ...checkDockerfile(file, readFileSync(path.join(root, file), 'utf8')),
    );
  }

  const python = checkPython(root, files);
  findings.push(...python.findings);
  const helm = checkHelmCharts(root, files);
  findings.push(...helm.findings, ...helmRenders.findings);

  const kinds: Record<string, number> = {};
  for (const { object } of written)
    kinds[object.kind!] = (kinds[object.kind!] ?? 0) + 1;

  return {
    findings,
    files: files.length,
    yamlFiles: parsed.parsedFiles,
    kinds,
    structural: schemas.structural,
    kustomizeBuilds: kustomize.builds.map(b => b.dir || '.'),
    objectSets: sets.map(s => `${s.label} (${s.objects.length} objects)`),
    chartTemplates,
    helmValues: helm.validatedValues,
    helmRenders: helmRenders.renders.map(
      r => `${r.label} (${r.objects.length} objects)`,
    ),
    notes: helmRenders.notRendered ? [helmRenders.notRendered] : [],
    python: { compiled: python.compiled, testRuns: python.testRuns },
  };
}

/** Writes a rendering to a temporary folder, runs the gates on it, and removes the folder. */
export function runGates(rendered: Map<string, Buffer>): GateReport {
  const root = writeRendering(rendered);
  try {
    return runGatesOn(root, [...rendered.keys()].sort());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
