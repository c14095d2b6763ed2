import { parseEntityRef } from '@backstage/catalog-model';
import { ORCHESTRATOR_ACTOR } from '@fleetdeck/plugin-upgrade-waves-common';

/** Who did something, as a person reads it: `user:default/ada` → "ada", the orchestrator → "orchestrator". */
export function actorName(actor: string): string {
  if (actor === ORCHESTRATOR_ACTOR) return 'orchestrator';
  try {
    return parseEntityRef(actor).name;
  } catch {
    return actor;
  }
}
