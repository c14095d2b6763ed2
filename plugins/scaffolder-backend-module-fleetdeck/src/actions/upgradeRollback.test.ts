import {
  actionContextAs,
  createRetryingActionContext,
} from '../__testUtils__/contexts';
import { OPERATOR, VIEWER, useUpgradeWaves } from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import {
  createUpgradeRollbackAction,
  upgradeRollbackInput,
} from './upgradeRollback';

describe('fleetdeck:upgrade:rollback', () => {
  const fleet = useUpgradeWaves();
  const action = createUpgradeRollbackAction({
    client: task => fleet.client(task),
  });

  it('rolls the wave back as the user who runs the template and outputs its status', async () => {
    const ctx = actionContextAs(OPERATOR, {
      waveId: 'wave-soaking',
      comment: 'error rate up',
    });

    await action.handler(ctx);

    expect(
      fleet.server.requestsTo('POST /waves/wave-soaking/rollback'),
    ).toEqual([
      expect.objectContaining({
        user: OPERATOR,
        body: { comment: 'error rate up' },
      }),
    ]);
    expect(fleet.server.waves.get('wave-soaking')?.status).toBe('ROLLING_BACK');
    expect(ctx.output).toHaveBeenCalledWith('waveId', 'wave-soaking');
    expect(ctx.output).toHaveBeenCalledWith('status', 'ROLLING_BACK');
  });

  it('does not ask for a second rollback when a retried task runs the step again', async () => {
    const task = createRetryingActionContext(OPERATOR, {
      waveId: 'wave-soaking',
    });

    await action.handler(task.run());
    const retry = task.run();
    await action.handler(retry);

    expect(
      fleet.server.requestsTo('POST /waves/wave-soaking/rollback'),
    ).toHaveLength(1);
    expect(task.fnCalls).toEqual(['fleetdeck.upgrade.rollback.wave-soaking']);
    expect(retry.output).toHaveBeenCalledWith('status', 'ROLLING_BACK');
  });

  it('refuses a user without upgrade-waves.wave.rollback with a NotAllowedError naming the permission', async () => {
    const ctx = actionContextAs(VIEWER, { waveId: 'wave-soaking' });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "You are not allowed to roll back upgrade wave 'wave-soaking'; it needs the 'upgrade-waves.wave.rollback' permission",
      ),
    });
    expect(fleet.server.waves.get('wave-soaking')?.status).toBe('SOAKING');
  });

  it('turns an unknown wave (404) into a NotFoundError', async () => {
    await expect(
      action.handler(actionContextAs(OPERATOR, { waveId: 'wave-404' })),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining("Wave 'wave-404' not found"),
    });
  });

  it('turns a wave that cannot be rolled back in its state (409) into a ConflictError', async () => {
    await expect(
      action.handler(actionContextAs(OPERATOR, { waveId: 'wave-awaiting' })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        "Wave 'wave-awaiting' is AWAITING_APPROVAL",
      ),
    });
    expect(fleet.server.waves.get('wave-awaiting')?.status).toBe(
      'AWAITING_APPROVAL',
    );
  });

  it('requires a waveId in its input schema', () => {
    const schema = buildSchema(upgradeRollbackInput);
    expect(schema.safeParse({ waveId: '' }).error?.issues[0].path).toEqual([
      'waveId',
    ]);
    expect(schema.safeParse({}).error?.issues[0].path).toEqual(['waveId']);
    expect(action.schema?.input).toMatchObject({ required: ['waveId'] });
  });
});
