import { badRequest } from './status';
import type { KubeObject } from './types';

/** One requirement of a label selector (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/). */
type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = (
  labels: Record<string, string> | undefined,
) => boolean;

/** Splits on commas that are not inside a `( … )` set. */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

const KEY = /^([a-z0-9A-Z.\-_/]+)$/;

function parseRequirement(raw: string): LabelRequirement {
  let m = raw.match(/^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/);
  if (m) {
    const values = m[3]
      .split(',')
      .map(v => v.trim())
      .filter(Boolean);
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = raw.match(/^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/);
  if (m) {
    return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] };
  }
  m = raw.match(/^!\s*([^\s]+)$/);
  if (m && KEY.test(m[1])) {
    return { key: m[1], op: 'notexists' };
  }
  if (KEY.test(raw)) {
    return { key: raw, op: 'exists' };
  }
  throw badRequest(`unable to parse requirement: ${raw}`);
}

export function parseLabelSelector(
  selector: string | null | undefined,
): LabelSelector {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return labels =>
    reqs.every(r => {
      const has =
        labels !== undefined &&
        Object.prototype.hasOwnProperty.call(labels, r.key);
      const value = has ? labels![r.key] : undefined;
      switch (r.op) {
        case 'eq':
          return value === r.value;
        case 'neq':
          return value !== r.value;
        case 'in':
          return value !== undefined && r.values.includes(value);
        case 'notin':
          return value === undefined || !r.values.includes(value);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
}

/** Whether an object matches a `matchLabels` map (as a controller's selector does). */
export function matchesLabels(
  labels: Record<string, string> | undefined,
  wanted: Record<string, string> | undefined,
): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => labels?.[k] === v);
}

const FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': o => o.metadata.name,
  'metadata.namespace': o => o.metadata.namespace,
  'status.phase': o => (o.status as { phase?: string } | undefined)?.phase,
  'spec.nodeName': o => (o.spec as { nodeName?: string } | undefined)?.nodeName,
};

export type FieldSelector = (o: KubeObject) => boolean;

/** Field selectors the sandbox supports; others are refused as the API server refuses them. */
export function parseFieldSelector(
  selector: string | null | undefined,
  kind: string,
): FieldSelector {
  if (!selector) return () => true;
  const reqs = selector.split(',').map(raw => {
    const m = raw.trim().match(/^([^=!]+)(==|=|!=)(.*)$/);
    if (!m)
      throw badRequest(
        `invalid selector: '${selector}'; can't understand '${raw}'`,
      );
    const field = m[1].trim();
    const get = FIELDS[field];
    if (
      !get ||
      (field === 'status.phase' && kind !== 'Pod') ||
      (field === 'spec.nodeName' && kind !== 'Pod')
    ) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { get, negate: m[2] === '!=', value: m[3].trim() };
  });
  return o => reqs.every(r => (r.get(o) === r.value) !== r.negate);
}
