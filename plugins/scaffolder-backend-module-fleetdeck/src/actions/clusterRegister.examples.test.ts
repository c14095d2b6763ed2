import { actionContextAs } from '../__testUtils__/contexts';
import { OPERATOR, useUpgradeWaves } from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import {
  clusterRegisterInput,
  createClusterCheckRegistrationAction,
  createClusterRegisterAction,
} from './clusterRegister';
import { checkExamples, examples } from './clusterRegister.examples';
import { exampleSteps } from './templateExample';

describe('fleetdeck:cluster:register examples', () => {
  const fleet = useUpgradeWaves();

  it.each(exampleSteps(examples))('%s', async (_, step) => {
    const action = createClusterRegisterAction({ client: fleet.client });
    expect(step.action).toBe(action.id);
    expect(buildSchema(clusterRegisterInput).safeParse(step.input).error).toBe(
      undefined,
    );

    const ctx = actionContextAs(OPERATOR, step.input);
    await action.handler(ctx);

    expect(fleet.server.clusters.get(step.input.clusterId)).toMatchObject({
      ...step.input,
      access: step.input.access ?? {},
      status: 'PENDING',
    });
    expect(ctx.output).toHaveBeenCalledWith('clusterId', step.input.clusterId);
    expect(ctx.output).toHaveBeenCalledWith('status', 'PENDING');
  });
});

describe('fleetdeck:cluster:check-registration examples', () => {
  const fleet = useUpgradeWaves();

  it.each(exampleSteps(checkExamples))('%s', async (_, step) => {
    const action = createClusterCheckRegistrationAction({
      client: fleet.client,
    });
    expect(step.action).toBe(action.id);
    expect(buildSchema(clusterRegisterInput).safeParse(step.input).error).toBe(
      undefined,
    );

    const ctx = actionContextAs(OPERATOR, step.input);
    await action.handler(ctx);

    expect(fleet.server.requestsTo('POST /clusters?dryRun=true')).toHaveLength(
      1,
    );
    expect(fleet.server.clusters.size).toBe(0);
    expect(ctx.output).toHaveBeenCalledWith('status', 'PENDING');
  });
});
