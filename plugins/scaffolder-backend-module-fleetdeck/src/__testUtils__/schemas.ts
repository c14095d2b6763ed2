import { z } from 'zod';
import type { ActionZod } from '../actions/client';

/**
 * Builds an action's input schema the way createTemplateAction does. scaffolder-node calls schema
 * callbacks with its own copy of `zod/v3`; this package's `zod` 3.25 has the same API but distinct
 * types, hence the cast.
 */
export function buildSchema<S>(callback: (zImpl: ActionZod) => S): S {
  return callback(z as unknown as ActionZod);
}
