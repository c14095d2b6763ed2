import { actionContextAs } from '../__testUtils__/contexts';
import { OPERATOR, useUpgradeWaves } from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import { exampleSteps } from './templateExample';
import {
  createUpgradeRollbackAction,
  upgradeRollbackInput,
} from './upgradeRollback';
import { examples } from './upgradeRollback.examples';

describe('fleetdeck:upgrade:rollback examples', () => {
  const fleet = useUpgradeWaves();

  it.each(exampleSteps(examples))('%s', async (_, step) => {
    const action = createUpgradeRollbackAction({ client: fleet.client });
    expect(step.action).toBe(action.id);
    expect(buildSchema(upgradeRollbackInput).safeParse(step.input).error).toBe(
      undefined,
    );

    const ctx = actionContextAs(OPERATOR, step.input);
    await action.handler(ctx);

    const { waveId, ...body } = step.input;
    expect(fleet.server.requestsTo(`POST /waves/${waveId}/rollback`)).toEqual([
      expect.objectContaining({ user: OPERATOR, body }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('waveId', waveId);
    expect(ctx.output).toHaveBeenCalledWith('status', 'ROLLING_BACK');
  });
});
