import { mockCredentials } from '@backstage/backend-test-utils';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/** A mock action context whose task was started by `user`. */
export function actionContextAs<TInput extends Record<string, any>>(
  user: string,
  input: TInput,
): ActionContext<TInput, any> {
  return {
    ...createMockActionContext<TInput>({ input }),
    getInitiatorCredentials: async () => mockCredentials.user(user),
  };
}

/**
 * createMockActionContext's checkpoint only calls `fn`. The scaffolder's task runner instead stores
 * each successful checkpoint's value as JSON and, when a task is retried, returns it for the same key
 * without calling `fn` (failures are not stored). This does the same across runs, so a test can run an
 * action again "as a retried task" and see which side effects repeat.
 */
export function createRetryingActionContext<TInput extends Record<string, any>>(
  user: string,
  input: TInput,
) {
  const stored = new Map<string, string>();
  const fnCalls: string[] = [];

  const run = (): ActionContext<TInput, any> => ({
    ...actionContextAs(user, input),
    async checkpoint(opts) {
      const previous = stored.get(opts.key);
      if (previous !== undefined) {
        return JSON.parse(previous);
      }
      fnCalls.push(opts.key);
      const value = await opts.fn();
      stored.set(opts.key, JSON.stringify(value ?? {}));
      return value;
    },
  });

  return {
    /** A fresh context for one run of the task; stored checkpoints carry over between runs. */
    run,
    /** The checkpoint keys whose `fn` actually ran, in order. */
    fnCalls,
  };
}
