// Validates Kubernetes objects against the schemas of kubernetes-models and its Istio, Flux, Argo CD and
// Prometheus Operator companions. Those packages are ES modules only, which Jest's CommonJS runtime cannot
// load, so the gates run this file with plain Node: a JSON array of objects on stdin, one result per object on
// stdout: { status: 'valid' } | { status: 'invalid', message } | { status: 'no-model' }.
import { readFileSync } from 'node:fs';

const PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/istio',
  '@kubernetes-models/flux-cd',
  '@kubernetes-models/argo-cd',
  '@kubernetes-models/prometheus-operator',
];

const modelCache = new Map();

/** The model class for apiVersion + kind, or undefined when no package has one. */
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}|${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let found;
  // The core group has no group segment: `v1` lives at kubernetes-models/v1.
  for (const pkg of PACKAGES) {
    try {
      const mod = await import(`${pkg}/${apiVersion}/${kind}`);
      const model = mod[kind];
      if (model && model.apiVersion === apiVersion && model.kind === kind) {
        found = model;
        break;
      }
    } catch (error) {
      if (
        error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' &&
        error.code !== 'ERR_MODULE_NOT_FOUND'
      ) {
        throw error;
      }
    }
  }
  modelCache.set(key, found);
  return found;
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const Model =
    typeof object.apiVersion === 'string' && typeof object.kind === 'string'
      ? await modelFor(object.apiVersion, object.kind)
      : undefined;
  if (!Model) {
    results.push({ status: 'no-model' });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ status: 'valid' });
  } catch (error) {
    results.push({
      status: 'invalid',
      message: String(error.message ?? error),
    });
  }
}
process.stdout.write(JSON.stringify(results));
