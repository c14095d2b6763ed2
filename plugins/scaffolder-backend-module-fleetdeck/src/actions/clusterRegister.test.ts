import {
  BATCH_ID_MAX_LENGTH,
  CLUSTER_FIELD_MAX_LENGTH,
  CLUSTER_ID_MAX_LENGTH,
  ISTIO_VERSION_MAX_LENGTH,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  actionContextAs,
  createRetryingActionContext,
} from '../__testUtils__/contexts';
import { OPERATOR, VIEWER, useUpgradeWaves } from '../__testUtils__/fleet';
import { buildSchema } from '../__testUtils__/schemas';
import {
  clusterRegisterInput,
  createClusterCheckRegistrationAction,
  createClusterRegisterAction,
} from './clusterRegister';

const registration = {
  clusterId: 'dev-eu-2',
  name: 'dev-eu-2',
  batchId: 'dev-wave-1',
  environment: 'dev',
  region: 'eu-west-1',
  gitops: {
    project: 'platform/gitops-dev',
    paths: ['clusters/dev-eu-2/istio/istiod.yaml'],
  },
  istioVersion: '1.23.4',
  owners: ['group:default/platform'],
};

describe('fleetdeck:cluster:register', () => {
  const fleet = useUpgradeWaves();
  const action = createClusterRegisterAction({
    client: task => fleet.client(task),
  });

  it('registers the cluster as the user who runs the template and outputs its status', async () => {
    const ctx = actionContextAs(OPERATOR, registration);

    await action.handler(ctx);

    // No access given: the backend gets `{}` and reaches the cluster by its kubernetes entry name.
    expect(fleet.server.requestsTo('POST /clusters')).toEqual([
      expect.objectContaining({
        user: OPERATOR,
        body: { ...registration, access: {} },
      }),
    ]);
    expect(fleet.server.clusters.get('dev-eu-2')).toMatchObject({
      batchId: 'dev-wave-1',
      status: 'PENDING',
    });
    expect(ctx.output).toHaveBeenCalledWith('clusterId', 'dev-eu-2');
    expect(ctx.output).toHaveBeenCalledWith('status', 'PENDING');
  });

  it('does not register again when a retried task runs the step again', async () => {
    const task = createRetryingActionContext(OPERATOR, registration);

    await action.handler(task.run());
    await action.handler(task.run());

    expect(fleet.server.requestsTo('POST /clusters')).toHaveLength(1);
    expect(task.fnCalls).toEqual(['fleetdeck.cluster.register.dev-eu-2']);
  });

  it('refuses a user without upgrade-waves.cluster.register with a NotAllowedError naming the permission', async () => {
    await expect(
      action.handler(actionContextAs(VIEWER, registration)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "You are not allowed to register cluster 'dev-eu-2'; it needs the 'upgrade-waves.cluster.register' permission",
      ),
    });
    expect(fleet.server.clusters.size).toBe(0);
  });

  it("turns the backend's 400 into an InputError naming the field", async () => {
    const ctx = actionContextAs(OPERATOR, {
      ...registration,
      batchId: 'no-such-batch',
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        "batchId 'no-such-batch' is not a known batch",
      ),
    });
    expect(fleet.server.clusters.size).toBe(0);
  });

  describe('input schema', () => {
    const schema = buildSchema(clusterRegisterInput);
    const failingPaths = (input: unknown) =>
      schema.safeParse(input).error?.issues.map(i => i.path.join('.'));

    it('accepts a minimal registration', () => {
      expect(failingPaths(registration)).toBe(undefined);
    });

    it('rejects values longer than the registry stores, naming each field', () => {
      const long = (n: number) => 'x'.repeat(n + 1);
      expect(
        failingPaths({
          ...registration,
          clusterId: long(CLUSTER_ID_MAX_LENGTH),
          name: long(CLUSTER_FIELD_MAX_LENGTH),
          batchId: long(BATCH_ID_MAX_LENGTH),
          region: long(CLUSTER_FIELD_MAX_LENGTH),
          gitops: {
            ...registration.gitops,
            project: long(CLUSTER_FIELD_MAX_LENGTH),
          },
          istioVersion: `1.2.${'3'.repeat(ISTIO_VERSION_MAX_LENGTH)}`,
        }),
      ).toEqual([
        'clusterId',
        'name',
        'batchId',
        'region',
        'gitops.project',
        'istioVersion',
      ]);
    });

    it('rejects an istioVersion that is not x.y.z', () => {
      expect(failingPaths({ ...registration, istioVersion: 'latest' })).toEqual(
        ['istioVersion'],
      );
    });

    it('rejects a GitOps location without HelmRelease paths and a cluster without owners', () => {
      expect(
        failingPaths({
          ...registration,
          gitops: { project: 'platform/gitops-dev', paths: [] },
          owners: [],
        }),
      ).toEqual(['gitops.paths', 'owners']);
    });

    it('requires the registry fields, in zod and in the JSON schema the scaffolder validates with', () => {
      const required = [
        'clusterId',
        'name',
        'batchId',
        'environment',
        'region',
        'gitops',
        'istioVersion',
        'owners',
      ];
      expect(failingPaths({})).toEqual(required);
      expect(action.schema?.input).toMatchObject({ required });
    });
  });
});

describe('fleetdeck:cluster:check-registration', () => {
  const fleet = useUpgradeWaves();
  const action = createClusterCheckRegistrationAction({
    client: task => fleet.client(task),
  });

  it('asks the backend for a dry run as the user who runs the template and registers nothing', async () => {
    const ctx = actionContextAs(OPERATOR, registration);

    await action.handler(ctx);

    expect(fleet.server.requestsTo('POST /clusters?dryRun=true')).toEqual([
      expect.objectContaining({
        user: OPERATOR,
        body: { ...registration, access: {} },
      }),
    ]);
    expect(fleet.server.clusters.size).toBe(0);
    expect(ctx.output).toHaveBeenCalledWith('status', 'PENDING');
  });

  it('refuses a user without upgrade-waves.cluster.register with a NotAllowedError naming the permission', async () => {
    await expect(
      action.handler(actionContextAs(VIEWER, registration)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "You are not allowed to register cluster 'dev-eu-2'; it needs the 'upgrade-waves.cluster.register' permission",
      ),
    });
    expect(fleet.server.clusters.size).toBe(0);
  });

  it('refuses what the registry would refuse, as an InputError naming the field', async () => {
    await expect(
      action.handler(
        actionContextAs(OPERATOR, {
          ...registration,
          batchId: 'no-such-batch',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('batchId'),
    });
  });
});
