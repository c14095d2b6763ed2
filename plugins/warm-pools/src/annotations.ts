import { Entity } from '@backstage/catalog-model';
import { PoolId, PoolRef, poolIdOf } from '@fleetdeck/plugin-warm-pools-common';

/**
 * Names the warm pool a component's sessions run in: `fleetdeck.io/warm-pool: <cluster>/<namespace>/<pool>`,
 * the pool being the value of the pods' `pool` label.
 *
 * @public
 */
export const WARM_POOL_ANNOTATION = 'fleetdeck.io/warm-pool';

/**
 * What an entity's warm-pool annotation says: the pool, or why it names none.
 *
 * @public
 */
export type WarmPoolAnnotation =
  | { valid: true; ref: PoolRef; id: PoolId }
  | { valid: false; value: string; problem: string };

// Kubernetes' own rules (RFC 1123 label for namespaces, label values for the pool label), so that a typo is
// caught here rather than answered with "no such pool".
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const MAX_NAME = 63;

/**
 * Reads `<cluster>/<namespace>/<pool>`.
 *
 * @public
 */
export function parseWarmPoolAnnotation(value: string): WarmPoolAnnotation {
  const trimmed = value.trim();
  const parts = trimmed.split('/').map(part => part.trim());
  if (parts.length !== 3 || parts.some(part => part === '')) {
    return {
      valid: false,
      value,
      problem: `"${trimmed}" is not of the form <cluster>/<namespace>/<pool>, e.g. prod-eu-1/sessions/warm.`,
    };
  }
  const [cluster, namespace, pool] = parts;
  if (/\s/.test(cluster)) {
    return {
      valid: false,
      value,
      problem: `The cluster "${cluster}" contains white space; use the name the cluster has under kubernetes.clusterLocatorMethods.`,
    };
  }
  if (namespace.length > MAX_NAME || !NAMESPACE.test(namespace)) {
    return {
      valid: false,
      value,
      problem: `"${namespace}" is not a Kubernetes namespace name (lowercase letters, digits and "-", at most ${MAX_NAME} characters).`,
    };
  }
  if (pool.length > MAX_NAME || !LABEL_VALUE.test(pool)) {
    return {
      valid: false,
      value,
      problem: `"${pool}" cannot be a value of the pool label (letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most ${MAX_NAME} characters).`,
    };
  }
  const ref = { cluster, namespace, pool };
  return { valid: true, ref, id: poolIdOf(ref) };
}

/**
 * The entity's warm-pool annotation, read; undefined when it has none (or a blank one).
 *
 * @public
 */
export function getWarmPoolAnnotation(
  entity: Entity,
): WarmPoolAnnotation | undefined {
  const value = entity.metadata.annotations?.[WARM_POOL_ANNOTATION];
  if (!value?.trim()) return undefined;
  return parseWarmPoolAnnotation(value);
}

/**
 * Whether the "Warm Pool" tab applies to an entity: a Component with the warm-pool annotation. A malformed value
 * still gets the tab, which then says what is wrong with it.
 *
 * @public
 */
export function isWarmPoolAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    getWarmPoolAnnotation(entity) !== undefined
  );
}
