import {
  BATCH_ID_MAX_LENGTH,
  ISTIO_VERSION_MAX_LENGTH,
  WAVE_COMMENT_MAX_LENGTH,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  actionContextAs,
  createRetryingActionContext,
} from '../__testUtils__/contexts';
import {
  LEAD,
  OPERATOR,
  VIEWER,
  useUpgradeWaves,
} from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import { createUpgradeStartAction, upgradeStartInput } from './upgradeStart';

describe('fleetdeck:upgrade:start', () => {
  const fleet = useUpgradeWaves();
  const action = createUpgradeStartAction({
    // Resolved per task, after beforeEach has started the fleet.server.
    client: task => fleet.client(task),
    waveUrl: id => `https://portal.example.com/upgrade-waves/waves/${id}`,
  });

  it('starts the wave as the user who runs the template and outputs its id, status and page', async () => {
    const ctx = actionContextAs(OPERATOR, {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
      reason: 'CVE fix',
    });

    await action.handler(ctx);

    expect(fleet.server.requestsTo('POST /waves')).toEqual([
      {
        method: 'POST',
        path: '/waves',
        user: OPERATOR,
        body: {
          batchId: 'dev-wave-1',
          targetVersion: '1.24.2',
          reason: 'CVE fix',
        },
      },
    ]);
    expect(fleet.server.waves.get('wave-1')).toMatchObject({
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
      createdBy: OPERATOR,
    });
    expect(ctx.output).toHaveBeenCalledWith('waveId', 'wave-1');
    expect(ctx.output).toHaveBeenCalledWith('status', 'PRE_CHECKS');
    expect(ctx.output).toHaveBeenCalledWith(
      'waveUrl',
      'https://portal.example.com/upgrade-waves/waves/wave-1',
    );
  });

  it('does not start a second wave when a retried task runs the step again', async () => {
    const task = createRetryingActionContext(OPERATOR, {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
    });

    await action.handler(task.run());
    const retry = task.run();
    await action.handler(retry);

    expect(fleet.server.requestsTo('POST /waves')).toHaveLength(1);
    expect(task.fnCalls).toEqual(['fleetdeck.upgrade.start.dev-wave-1.1.24.2']);
    expect(retry.output).toHaveBeenCalledWith('waveId', 'wave-1');
    expect(retry.output).toHaveBeenCalledWith('status', 'PRE_CHECKS');
  });

  it('reports a batch that already has a running wave as a ConflictError', async () => {
    // Without a stored checkpoint a second run reaches the backend, which refuses a second wave.
    const input = { batchId: 'dev-wave-1', targetVersion: '1.24.2' };
    await action.handler(actionContextAs(OPERATOR, input));

    await expect(
      action.handler(actionContextAs(OPERATOR, input)),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/already has wave wave-1 in PRE_CHECKS/),
    });
    expect(fleet.server.waves.size).toBe(3);
  });

  it('refuses a user without upgrade-waves.wave.create with a NotAllowedError naming the permission', async () => {
    const ctx = actionContextAs(VIEWER, {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "You are not allowed to start an upgrade of batch 'dev-wave-1' to Istio 1.24.2; it needs the 'upgrade-waves.wave.create' permission",
      ),
    });
    expect(fleet.server.requestsTo('POST /waves')[0].user).toBe(VIEWER);
    expect(fleet.server.waves.has('wave-1')).toBe(false);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('names the override-order permission when a user without it overrides the batch order', async () => {
    const input = {
      batchId: 'staging',
      targetVersion: '1.24.2',
      overrideOrder: true,
    };

    await expect(
      action.handler(actionContextAs(OPERATOR, input)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining("'upgrade-waves.wave.override-order'"),
    });

    await action.handler(actionContextAs(LEAD, input));
    expect(fleet.server.waves.get('wave-1')).toMatchObject({
      batchId: 'staging',
      orderOverridden: true,
    });
  });

  it("turns the backend's 400 into an InputError naming the field", async () => {
    const ctx = actionContextAs(OPERATOR, {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
      soakSeconds: 10_000_000,
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'soakSeconds must be at most 604800, got 10000000',
      ),
    });
  });

  it('turns an unknown batch (404) into a NotFoundError', async () => {
    const ctx = actionContextAs(OPERATOR, {
      batchId: 'nope',
      targetVersion: '1.24.2',
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining("Batch 'nope' not found"),
    });
  });

  it('leaves out waveUrl when no portal address is known', async () => {
    const withoutUrl = createUpgradeStartAction({ client: fleet.client });
    const ctx = actionContextAs(OPERATOR, {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
    });

    await withoutUrl.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('waveId', 'wave-1');
    expect(ctx.output).not.toHaveBeenCalledWith('waveUrl', expect.anything());
  });

  describe('input schema', () => {
    const schema = buildSchema(upgradeStartInput);

    it.each(['1.24', 'v1.24.2', '1.24.2-beta.0', 'latest', ''])(
      'rejects targetVersion %j',
      targetVersion => {
        const result = schema.safeParse({
          batchId: 'dev-wave-1',
          targetVersion,
        });
        expect(result.success).toBe(false);
        expect(result.error?.issues[0].path).toEqual(['targetVersion']);
      },
    );

    it('rejects a missing batchId and a fractional or negative soak', () => {
      const paths = (input: unknown) =>
        schema.safeParse(input).error?.issues.map(i => i.path.join('.'));
      expect(paths({ targetVersion: '1.24.2' })).toEqual(['batchId']);
      expect(
        paths({ batchId: 'b', targetVersion: '1.24.2', soakSeconds: 1.5 }),
      ).toEqual(['soakSeconds']);
      expect(
        paths({ batchId: 'b', targetVersion: '1.24.2', soakSeconds: -1 }),
      ).toEqual(['soakSeconds']);
    });

    it('rejects a batchId, targetVersion or reason longer than upgrade-waves stores', () => {
      const paths = (input: unknown) =>
        schema.safeParse(input).error?.issues.map(i => i.path.join('.'));
      expect(
        paths({
          batchId: 'b'.repeat(BATCH_ID_MAX_LENGTH + 1),
          targetVersion: `1.24.${'2'.repeat(ISTIO_VERSION_MAX_LENGTH)}`,
          reason: 'r'.repeat(WAVE_COMMENT_MAX_LENGTH + 1),
        }),
      ).toEqual(['batchId', 'targetVersion', 'reason']);
      expect(
        paths({
          batchId: 'b'.repeat(BATCH_ID_MAX_LENGTH),
          targetVersion: '1.24.2',
          reason: 'r'.repeat(WAVE_COMMENT_MAX_LENGTH),
        }),
      ).toBeUndefined();
      expect(action.schema?.input).toMatchObject({
        properties: { batchId: { maxLength: BATCH_ID_MAX_LENGTH } },
      });
    });

    it('gives the scaffolder a JSON schema that holds the version pattern', () => {
      expect(action.schema?.input).toMatchObject({
        required: ['batchId', 'targetVersion'],
        properties: {
          targetVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
        },
      });
    });
  });
});
