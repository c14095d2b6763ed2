import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Finding } from './Finding';

/** A Kubernetes-shaped object (or any YAML mapping) with the file it came from. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: any;
  [key: string]: unknown;
}

export interface SourcedObject {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  object: KubeObject;
}

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** `Kind/name` for messages; `Kind/name (namespace)` is not needed because files are named too. */
export function describeObject(object: KubeObject): string {
  return `${object.kind ?? '(no kind)'}/${
    object.metadata?.name ?? '(no name)'
  }`;
}

/** A Kubernetes object: a mapping with apiVersion and kind. Backstage entities are not. */
export function isKubernetesObject(object: KubeObject): boolean {
  return (
    typeof object.apiVersion === 'string' &&
    typeof object.kind === 'string' &&
    !object.apiVersion.startsWith('backstage.io/') &&
    !object.apiVersion.startsWith('scaffolder.backstage.io/')
  );
}

/** Parses every document of a YAML text; each syntax error becomes a finding naming the file and line. */
export function parseYamlDocuments(
  file: string,
  text: string,
): { objects: SourcedObject[]; findings: Finding[] } {
  const objects: SourcedObject[] = [];
  const findings: Finding[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    for (const error of doc.errors) {
      findings.push({
        gate: 'yaml',
        file,
        rule: 'parses',
        message: `document ${index + 1}: ${error.message.split('\n')[0]}`,
      });
    }
    if (doc.errors.length > 0) return;
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    if (typeof value === 'object' && !Array.isArray(value)) {
      objects.push({ file, index, object: value as KubeObject });
    }
  });
  return { objects, findings };
}

/** Parses every YAML file under `root` (paths relative to it), except `skip`ped ones. */
export function parseYamlFiles(
  root: string,
  files: string[],
): { objects: SourcedObject[]; findings: Finding[]; parsedFiles: number } {
  const objects: SourcedObject[] = [];
  const findings: Finding[] = [];
  let parsedFiles = 0;
  for (const file of files.filter(isYamlFile)) {
    const result = parseYamlDocuments(
      file,
      readFileSync(path.join(root, file), 'utf8'),
    );
    parsedFiles += 1;
    objects.push(...result.objects);
    findings.push(...result.findings);
  }
  return { objects, findings, parsedFiles };
}
