import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The file in a template folder that says how the gates render it. */
export const GATES_FILE = 'gates.yaml';

/** One set of form values the gates render a template with. */
export interface ValueSet {
  /** `defaults`, or the variant's name from gates.yaml. */
  name: string;
  values: Record<string, unknown>;
}

/** A `templates/<name>/` folder: its Template entity, its files, and the value sets it is rendered with. */
export interface TemplateFolder {
  name: string;
  dir: string;
  template: TemplateEntity;
  /** Every file of the folder (template.yaml, skeleton/…), as the dry-run route takes them. */
  files: Array<{ path: string; content: Buffer }>;
  /** `defaults` first, then each variant of gates.yaml. */
  valueSets: ValueSet[];
}

export interface TemplateEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  spec: {
    parameters?: ParameterPage | ParameterPage[];
    steps: Array<{
      id?: string;
      action: string;
      input?: Record<string, unknown>;
    }>;
    output?: { links?: unknown[]; [key: string]: unknown };
    [key: string]: unknown;
  };
}

export interface ParameterPage {
  title?: string;
  required?: string[];
  properties?: Record<string, ParameterSchema>;
  [key: string]: unknown;
}

export interface ParameterSchema {
  type?: string;
  default?: unknown;
  pattern?: string;
  properties?: Record<string, ParameterSchema>;
  [key: string]: unknown;
}

interface GatesFile {
  required?: Record<string, unknown>;
  variants?: Array<{ name?: unknown; values?: unknown }>;
}

/** Thrown when a folder's template.yaml or gates.yaml cannot be used; the message names the file and field. */
export class TemplateFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateFolderError';
  }
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, base);
    return entry.isFile() ? [path.relative(base, full)] : [];
  });
}

/** The parameter pages of a template, always as an array. */
export function parameterPages(template: TemplateEntity): ParameterPage[] {
  const { parameters } = template.spec;
  if (!parameters) return [];
  return Array.isArray(parameters) ? parameters : [parameters];
}

function defaultsOf(properties: Record<string, ParameterSchema> = {}) {
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (schema.default !== undefined) {
      values[key] = schema.default;
    } else if (schema.type === 'object' && schema.properties) {
      const nested = defaultsOf(schema.properties);
      if (Object.keys(nested).length > 0) values[key] = nested;
    }
  }
  return values;
}

/** The values a user gets by accepting every default of every page of the form. */
export function defaultValues(
  template: TemplateEntity,
): Record<string, unknown> {
  return Object.assign(
    {},
    ...parameterPages(template).map(page => defaultsOf(page.properties)),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a `templates/<name>/` folder. */
export function loadTemplateFolder(dir: string): TemplateFolder {
  const name = path.basename(dir);
  const templateFile = path.join(dir, 'template.yaml');
  const template = parse(readFileSync(templateFile, 'utf8')) as TemplateEntity;
  if (!isRecord(template) || !isRecord(template.spec)) {
    throw new TemplateFolderError(
      `${name}/template.yaml: not a Template entity (no spec)`,
    );
  }

  let gates: GatesFile = {};
  try {
    gates = (parse(readFileSync(path.join(dir, GATES_FILE), 'utf8')) ??
      {}) as GatesFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!isRecord(gates)) {
    throw new TemplateFolderError(`${name}/${GATES_FILE}: must be a mapping`);
  }
  if (gates.required !== undefined && !isRecord(gates.required)) {
    throw new TemplateFolderError(
      `${name}/${GATES_FILE}: required must be a mapping of parameter values`,
    );
  }
  const variants = gates.variants ?? [];
  if (!Array.isArray(variants) || variants.length === 0) {
    throw new TemplateFolderError(
      `${name}/${GATES_FILE}: variants must list at least one non-default value set ({ name, values })`,
    );
  }

  const defaults = { ...defaultValues(template), ...(gates.required ?? {}) };
  const valueSets: ValueSet[] = [{ name: 'defaults', values: defaults }];
  variants.forEach((variant, index) => {
    if (
      !isRecord(variant) ||
      typeof variant.name !== 'string' ||
      !isRecord(variant.values)
    ) {
      throw new TemplateFolderError(
        `${name}/${GATES_FILE}: variants[${index}] needs a name (string) and values (mapping)`,
      );
    }
    const changed = Object.entries(variant.values).filter(
      ([key, value]) => JSON.stringify(defaults[key]) !== JSON.stringify(value),
    );
    if (changed.length === 0) {
      throw new TemplateFolderError(
        `${name}/${GATES_FILE}: variants[${index}] (${variant.name}) changes no parameter from its default`,
      );
    }
    valueSets.push({
      name: variant.name,
      values: { ...defaults, ...variant.values },
    });
  });

  const files = listFiles(dir)
    .filter(file => file !== GATES_FILE)
    .sort()
    .map(file => ({
      path: file.split(path.sep).join('/'),
      content: readFileSync(path.join(dir, file)),
    }));

  return { name, dir, template, files, valueSets };
}
