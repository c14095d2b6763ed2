import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseYamlDocuments, SourcedObject } from './documents';
import { Finding } from './Finding';

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/** The fields the gates accept in a kustomization: kustomize's current, standard ones. */
const STANDARD_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'components',
  'patches',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'labels',
  'commonAnnotations',
  'images',
  'replicas',
  'replacements',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'crds',
  'sortOptions',
  'buildMetadata',
]);

const DEPRECATED_FIELDS: Record<string, string> = {
  bases: 'resources',
  commonLabels: 'labels',
  patchesStrategicMerge: 'patches',
  patchesJson6902: 'patches',
  vars: 'replacements',
};

export interface Kustomization {
  /** Folder relative to the rendered project ('' for the root). */
  dir: string;
  file: string;
  content: Record<string, any>;
  /** Project-relative files and folders this kustomization pulls in (resources, components, patches, generators). */
  references: string[];
}

function kustomizationFileIn(root: string, dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map(name => path.posix.join(dir, name)).find(
    file => existsSync(path.join(root, file)),
  );
}

/** Every folder of the rendered project that holds a kustomization, with what it references. */
export function findKustomizations(
  root: string,
  files: string[],
): Kustomization[] {
  const dirs = [
    ...new Set(
      files
        .filter(f => KUSTOMIZATION_FILES.includes(path.posix.basename(f)))
        .map(f => path.posix.dirname(f)),
    ),
  ];
  return dirs.sort().map(rawDir => {
    const dir = rawDir === '.' ? '' : rawDir;
    const file = kustomizationFileIn(root, dir)!;
    let content: Record<string, any> = {};
    try {
      content = (parse(readFileSync(path.join(root, file), 'utf8')) ??
        {}) as Record<string, any>;
    } catch {
      // the yaml gate reports the syntax error
    }
    const local = (ref: unknown) =>
      typeof ref === 'string' &&
      !/^[a-z]+:\/\//i.test(ref) &&
      !ref.includes('?ref=')
        ? [path.posix.normalize(path.posix.join(dir, ref))]
        : [];
    const references = [
      ...(content.resources ?? []).flatMap(local),
      ...(content.components ?? []).flatMap(local),
      ...(content.crds ?? []).flatMap(local),
      ...(content.patches ?? []).flatMap((p: any) => local(p?.path)),
      ...(content.patchesStrategicMerge ?? []).flatMap(local),
      ...(content.patchesJson6902 ?? []).flatMap((p: any) => local(p?.path)),
      ...[
        ...(content.configMapGenerator ?? []),
        ...(content.secretGenerator ?? []),
      ].flatMap((g: any) => [
        ...(g?.files ?? [])
          .map((f: string) => f.split('=').pop())
          .flatMap(local),
        ...(g?.envs ?? []).flatMap(local),
        ...(g?.env ? local(g.env) : []),
      ]),
    ];
    return { dir, file, content, references };
  });
}

/** Every project file a kustomization pulls in, following referenced folders' own kustomizations. */
export function filesUnderKustomize(
  root: string,
  kustomizations: Kustomization[],
  files: string[],
): Set<string> {
  const used = new Set<string>();
  for (const k of kustomizations) {
    used.add(k.file);
    for (const ref of k.references) {
      const full = path.join(root, ref);
      if (existsSync(full) && statSync(full).isDirectory()) {
        // a referenced folder is itself a kustomization; its files are counted by its own entry
        continue;
      }
      used.add(ref);
    }
  }
  return new Set(files.filter(f => used.has(f)));
}

/** Kustomizations no other kustomization refers to: the ones someone applies (`kubectl apply -k`). */
export function rootKustomizations(
  kustomizations: Kustomization[],
): Kustomization[] {
  const referenced = new Set(kustomizations.flatMap(k => k.references));
  return kustomizations.filter(k => !referenced.has(k.dir));
}

/** Files referenced as patches: partial objects that only make sense merged, so not schema-checked alone. */
export function patchFiles(kustomizations: Kustomization[]): Set<string> {
  return new Set(
    kustomizations.flatMap(k => {
      const local = (ref: unknown) =>
        typeof ref === 'string'
          ? [path.posix.normalize(path.posix.join(k.dir, ref))]
          : [];
      return [
        ...(k.content.patches ?? []).flatMap((p: any) => local(p?.path)),
        ...(k.content.patchesStrategicMerge ?? []).flatMap(local),
        ...(k.content.patchesJson6902 ?? []).flatMap((p: any) =>
          local(p?.path),
        ),
      ];
    }),
  );
}

export interface KustomizeBuild {
  dir: string;
  objects: SourcedObject[];
}

/** The command the gates run; `kubectl kustomize` is kustomize as kubectl ships it. */
export function kustomizeBuild(
  root: string,
  dir: string,
): { ok: true; output: string } | { ok: false; error: string } {
  const result = spawnSync('kubectl', ['kustomize', path.join(root, dir)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    return {
      ok: false,
      error: `could not run kubectl: ${result.error.message}`,
    };
  }
  if (result.status !== 0) {
    // kubectl prints `E1129 00:34:59.66 23548 run.go:72] "command failed" err="…"`: keep the error itself.
    const stderr = result.stderr.trim();
    const quoted = /err="((?:[^"\\]|\\.)*)"/.exec(stderr);
    const message = quoted ? JSON.parse(`"${quoted[1]}"`) : stderr;
    return {
      ok: false,
      error: message || `kubectl kustomize exited with ${result.status}`,
    };
  }
  return { ok: true, output: result.stdout };
}

/** Builds every kustomization and checks its fields; returns the findings and each build's objects. */
export function checkKustomizations(
  root: string,
  kustomizations: Kustomization[],
): { findings: Finding[]; builds: KustomizeBuild[] } {
  const findings: Finding[] = [];
  const builds: KustomizeBuild[] = [];
  for (const k of kustomizations) {
    for (const field of Object.keys(k.content)) {
      if (DEPRECATED_FIELDS[field]) {
        findings.push({
          gate: 'kustomize',
          file: k.file,
          rule: 'standard-fields',
          message: `${field} is deprecated; use ${DEPRECATED_FIELDS[field]}`,
        });
      } else if (!STANDARD_FIELDS.has(field)) {
        findings.push({
          gate: 'kustomize',
          file: k.file,
          rule: 'standard-fields',
          message: `${field} is not a standard kustomization field`,
        });
      }
    }
    const built = kustomizeBuild(root, k.dir);
    if (!built.ok) {
      findings.push({
        gate: 'kustomize',
        file: k.file,
        rule: 'builds',
        message: built.error,
      });
      continue;
    }
    const label = `${k.dir || '.'} (kubectl kustomize)`;
    const parsed = parseYamlDocuments(label, built.output);
    findings.push(
      ...parsed.findings.map(f => ({
        ...f,
        gate: 'kustomize' as const,
        rule: 'builds',
      })),
    );
    builds.push({ dir: k.dir, objects: parsed.objects });
  }
  return { findings, builds };
}
