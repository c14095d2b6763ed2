import { badRequest, StatusError } from './status';

type Json = any;

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else (arrays too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Lists that Kubernetes' strategic merge merges by a key instead of replacing (the `patchMergeKey`s of the core
 * types the sandbox serves). Maps (labels, annotations, pod-template annotations) merge as in a merge patch.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  tolerations: 'key',
};

export function strategicMergePatch(
  target: Json,
  patch: Json,
  key?: string,
): Json {
  if (Array.isArray(patch) && key && MERGE_KEYS[key] && Array.isArray(target)) {
    const mergeKey = MERGE_KEYS[key];
    const result = [...target];
    for (const item of patch) {
      if (!isObject(item) || !(mergeKey in item)) {
        throw badRequest(
          `map: ${JSON.stringify(
            item,
          )} does not contain declared merge key: ${mergeKey}`,
        );
      }
      const index = result.findIndex(
        t => isObject(t) && t[mergeKey] === item[mergeKey],
      );
      if (item.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) {
        result[index] = strategicMergePatch(result[index], item);
      } else {
        result.push(item);
      }
    }
    return result;
  }
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, value] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (value === null) delete result[k];
    else result[k] = strategicMergePatch(result[k], value, k);
  }
  return result;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw badRequest(
      `the server rejected our request due to an error in our request: invalid JSON pointer ${path}`,
    );
  return path.slice(1).split('/').map(unescapePointer);
}

function parentAndKey(doc: Json, path: string): [Json, string] {
  const tokens = parsePointer(path);
  if (tokens.length === 0)
    throw badRequest('JSON patch cannot operate on the whole document');
  let parent = doc;
  for (const t of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(t)] : parent?.[t];
    if (parent === undefined || parent === null) {
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request: doc is missing path: "${path}"`,
      );
    }
  }
  return [parent, tokens[tokens.length - 1]];
}

function getAt(doc: Json, path: string): Json {
  let current = doc;
  for (const t of parsePointer(path)) {
    current = Array.isArray(current) ? current[Number(t)] : current?.[t];
    if (current === undefined) {
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request: doc is missing path: "${path}"`,
      );
    }
  }
  return current;
}

function removeAt(doc: Json, path: string): Json {
  const [parent, key] = parentAndKey(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request: doc is missing path: "${path}"`,
      );
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent))
    throw new StatusError(
      422,
      'Invalid',
      `the server rejected our request: doc is missing path: "${path}"`,
    );
  const value = parent[key];
  delete parent[key];
  return value;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean) {
  const [parent, key] = parentAndKey(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request: index out of range in "${path}"`,
      );
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else {
    if (replace && !(key in parent))
      throw new StatusError(
        422,
        'Invalid',
        `the server rejected our request: doc is missing key: "${path}"`,
      );
    parent[key] = value;
  }
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw badRequest('the body of a JSON patch must be a list of operations');
  const doc = structuredClone(target);
  for (const op of operations) {
    if (!isObject(op) || typeof op.path !== 'string')
      throw badRequest(`invalid JSON patch operation ${JSON.stringify(op)}`);
    switch (op.op) {
      case 'add':
        addAt(doc, op.path, structuredClone(op.value), false);
        break;
      case 'replace':
        addAt(doc, op.path, structuredClone(op.value), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move':
        addAt(doc, op.path, removeAt(doc, op.from), false);
        break;
      case 'copy':
        addAt(doc, op.path, structuredClone(getAt(doc, op.from)), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new StatusError(
            422,
            'Invalid',
            `the server rejected our request: testing value ${op.path} failed`,
          );
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
