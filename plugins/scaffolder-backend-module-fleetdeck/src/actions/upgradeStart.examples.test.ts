import { actionContextAs } from '../__testUtils__/contexts';
import { LEAD, useUpgradeWaves } from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import { exampleSteps } from './templateExample';
import { createUpgradeStartAction, upgradeStartInput } from './upgradeStart';
import { examples } from './upgradeStart.examples';

describe('fleetdeck:upgrade:start examples', () => {
  const fleet = useUpgradeWaves();

  it.each(exampleSteps(examples))('%s', async (_, step) => {
    const action = createUpgradeStartAction({ client: fleet.client });
    expect(step.action).toBe(action.id);
    expect(buildSchema(upgradeStartInput).safeParse(step.input).error).toBe(
      undefined,
    );

    const ctx = actionContextAs(LEAD, step.input);
    await action.handler(ctx);

    expect(fleet.server.requestsTo('POST /waves')).toEqual([
      expect.objectContaining({ user: LEAD, body: step.input }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('waveId', 'wave-1');
    expect(ctx.output).toHaveBeenCalledWith('status', 'PRE_CHECKS');
  });
});
