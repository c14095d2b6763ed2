import { Entity } from '@backstage/catalog-model';

/**
 * Names the Sentinel group a component uses, e.g. `fleetdeck.io/sentinel-group: sessions`.
 *
 * @public
 */
export const SENTINEL_GROUP_ANNOTATION = 'fleetdeck.io/sentinel-group';

/**
 * The Sentinel group an entity is annotated with, if any.
 *
 * @public
 */
export function getSentinelGroup(entity: Entity): string | undefined {
  const group = entity.metadata.annotations?.[SENTINEL_GROUP_ANNOTATION];
  return group?.trim() ? group.trim() : undefined;
}

/**
 * Whether the Sentinel tab applies to an entity: a Component annotated with its Sentinel group.
 *
 * @public
 */
export function isSentinelAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    getSentinelGroup(entity) !== undefined
  );
}
