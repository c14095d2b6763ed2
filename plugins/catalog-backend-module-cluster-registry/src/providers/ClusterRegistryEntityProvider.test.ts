import {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  CLUSTER_REGISTRY_EVENT_TOPIC,
  Cluster,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  ClusterRegistryEntityProvider,
  ClusterRegistryEntityProviderOptions,
  DEFAULT_CLUSTER_REGISTRY_SCHEDULE,
} from './ClusterRegistryEntityProvider';

function cluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    clusterId: 'prod-eu-1',
    name: 'Production EU 1',
    batchId: 'prod-wave-1',
    environment: 'prod',
    region: 'eu-west-1',
    access: {},
    gitops: { project: 'platform/gitops-prod', paths: ['istio/istiod.yaml'] },
    istioVersion: '1.24.2',
    owners: ['group:default/team-a'],
    status: 'HEALTHY',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A promise the test settles by hand, to hold a registry read open. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }

  async refresh() {}

  /** The entities of the last full mutation. */
  get entities(): Entity[] {
    const last = this.mutations[this.mutations.length - 1];
    if (!last || last.type !== 'full') {
      throw new Error('no full mutation was applied');
    }
    return last.entities.map((e: DeferredEntity) => e.entity);
  }
}

/** The entity passes the catalog's field formats (name, labels, tags) and the Resource kind schema. */
async function expectValidResource(entity: Entity) {
  await expect(
    new FieldFormatEntityPolicy().enforce(entity),
  ).resolves.toBeDefined();
  await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
    true,
  );
}

describe('ClusterRegistryEntityProvider', () => {
  const discovery = mockServices.discovery();
  let registryBaseUrl: string;

  beforeAll(async () => {
    registryBaseUrl = await discovery.getExternalBaseUrl('upgrade-waves');
  });

  function setup(options: Partial<ClusterRegistryEntityProviderOptions> = {}) {
    const listClusters = jest.fn<Promise<Cluster[]>, []>();
    const logger = mockServices.logger.mock();
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const provider = new ClusterRegistryEntityProvider({
      client: { listClusters },
      taskRunner: { run: async task => void tasks.push(task) },
      logger,
      discovery,
      ...options,
    });
    const connection = new RecordingConnection();
    return { provider, listClusters, logger, tasks, connection };
  }

  it('emits one valid Resource per registry cluster in a full mutation', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([
      cluster(),
      cluster({
        clusterId: 'staging-us-1',
        name: 'Staging US 1',
        batchId: 'staging',
        environment: 'staging',
        region: 'us-east-1',
        istioVersion: '1.25.0',
        status: 'UPGRADING',
        owners: ['group:default/team-b'],
      }),
    ]);
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
    expect(connection.mutations[0].type).toBe('full');
    expect(connection.entities.map(e => e.metadata.name)).toEqual([
      'prod-eu-1',
      'staging-us-1',
    ]);
    for (const entity of connection.entities) {
      await expectValidResource(entity);
    }
    expect(connection.entities[0]).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'prod-eu-1',
        namespace: 'default',
        title: 'Production EU 1',
        description:
          'prod Kubernetes cluster in eu-west-1, upgrade batch prod-wave-1',
        annotations: {
          'backstage.io/managed-by-location': `url:${registryBaseUrl}/clusters/prod-eu-1`,
          'backstage.io/managed-by-origin-location': `url:${registryBaseUrl}/clusters/prod-eu-1`,
          'fleetdeck.io/cluster-id': 'prod-eu-1',
          'fleetdeck.io/batch': 'prod-wave-1',
          'fleetdeck.io/istio-version': '1.24.2',
          'fleetdeck.io/upgrade-status': 'HEALTHY',
          'fleetdeck.io/environment': 'prod',
          'fleetdeck.io/region': 'eu-west-1',
        },
        labels: { 'fleetdeck.io/environment': 'prod' },
        tags: ['prod', 'prod-wave-1'],
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/team-a',
      },
    });
  });

  it('gives each entity a location key of its own that does not depend on URLs', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([cluster()]);
    await provider.connect(connection);
    await provider.refresh();

    const mutation = connection.mutations[0];
    expect(mutation.type === 'full' && mutation.entities[0].locationKey).toBe(
      'fleetdeck-cluster-registry:prod-eu-1',
    );
  });

  it('uses the first owner as spec.owner and keeps the others in fleetdeck.io/owners', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([
      cluster({
        owners: [
          'group:default/team-a',
          'group:default/sre',
          'user:default/jo',
        ],
      }),
    ]);
    await provider.connect(connection);
    await provider.refresh();

    const [entity] = connection.entities;
    expect(entity.spec?.owner).toBe('group:default/team-a');
    expect(entity.metadata.annotations?.['fleetdeck.io/owners']).toBe(
      'group:default/sre,user:default/jo',
    );
    await expectValidResource(entity);
  });

  it('falls back to the default owner for a cluster without owners', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([cluster({ owners: [] })]);
    await provider.connect(connection);
    await provider.refresh();

    const [entity] = connection.entities;
    expect(entity.spec?.owner).toBe('group:default/platform');
    expect(entity.metadata.annotations).not.toHaveProperty(
      'fleetdeck.io/owners',
    );
  });

  it('applies the configured default owner and system', async () => {
    const { provider, listClusters, connection } = setup({
      defaultOwner: 'group:default/fleet-ops',
      system: 'system:default/fleet',
    });
    listClusters.mockResolvedValue([cluster({ owners: [] })]);
    await provider.connect(connection);
    await provider.refresh();

    const [entity] = connection.entities;
    expect(entity.spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/fleet-ops',
      system: 'system:default/fleet',
    });
    await expectValidResource(entity);
  });

  it('turns free-text environment and batch into valid tags and leaves out an invalid environment label', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([
      cluster({ environment: 'Prod EU', batchId: 'Prod_Wave 1' }),
      cluster({ clusterId: 'test-1', environment: 'test', batchId: 'test' }),
    ]);
    await provider.connect(connection);
    await provider.refresh();

    const [prod, test] = connection.entities;
    expect(prod.metadata.tags).toEqual(['prod-eu', 'prod-wave-1']);
    expect(prod.metadata.labels).toEqual({});
    expect(prod.metadata.annotations?.['fleetdeck.io/environment']).toBe(
      'Prod EU',
    );
    expect(test.metadata.tags).toEqual(['test']);
    await expectValidResource(prod);
    await expectValidResource(test);
  });

  it('skips a record that cannot become a valid entity and emits the others', async () => {
    const { provider, listClusters, connection, logger } = setup();
    listClusters.mockResolvedValue([
      cluster({ clusterId: 'not a valid name!' }),
      cluster({ clusterId: 'prod-eu-2' }),
    ]);
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.entities.map(e => e.metadata.name)).toEqual([
      'prod-eu-2',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Skipping cluster not a valid name!'),
    );
  });

  it('schedules its refresh as a task named after the provider', async () => {
    const { provider, listClusters, connection, tasks } = setup();
    listClusters.mockResolvedValue([cluster()]);
    await provider.connect(connection);

    expect(tasks.map(t => t.id)).toEqual([
      'fleetdeck-cluster-registry:refresh',
    ]);
    expect(connection.mutations).toHaveLength(0);
    await tasks[0].fn(new AbortController().signal);
    expect(connection.entities.map(e => e.metadata.name)).toEqual([
      'prod-eu-1',
    ]);
  });

  it('refreshes at once when the registry publishes a change event', async () => {
    const events = mockServices.events();
    const { provider, listClusters, connection } = setup({ events });
    listClusters.mockResolvedValueOnce([cluster()]);
    await provider.connect(connection);
    await provider.refresh();

    listClusters.mockResolvedValueOnce([
      cluster({ status: 'UPGRADING', istioVersion: '1.25.0' }),
    ]);
    await events.publish({
      topic: CLUSTER_REGISTRY_EVENT_TOPIC,
      eventPayload: { clusterId: 'prod-eu-1' },
    });

    expect(connection.mutations).toHaveLength(2);
    expect(connection.entities[0].metadata.annotations).toMatchObject({
      'fleetdeck.io/upgrade-status': 'UPGRADING',
      'fleetdeck.io/istio-version': '1.25.0',
    });
  });

  it('ignores events of other topics', async () => {
    const events = mockServices.events();
    const { provider, listClusters, connection } = setup({ events });
    listClusters.mockResolvedValue([cluster()]);
    await provider.connect(connection);

    await events.publish({ topic: 'something.else', eventPayload: {} });

    expect(listClusters).not.toHaveBeenCalled();
    expect(connection.mutations).toHaveLength(0);
  });

  it('leaves the catalog as it was when the registry cannot be read', async () => {
    const { provider, listClusters, connection, logger } = setup();
    listClusters.mockRejectedValue(new Error('connect ECONNREFUSED'));
    await provider.connect(connection);

    await expect(provider.refresh()).resolves.toBeUndefined();

    expect(connection.mutations).toHaveLength(0);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('ECONNREFUSED'),
    );
  });

  it('emits an empty full mutation when the registry is read and has no clusters', async () => {
    const { provider, listClusters, connection } = setup();
    listClusters.mockResolvedValue([]);
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.mutations).toEqual([{ type: 'full', entities: [] }]);
  });

  it('folds refreshes requested during a running one into one follow-up that sees the newest registry', async () => {
    const { provider, listClusters, connection } = setup();
    const first = deferred<Cluster[]>();
    listClusters
      .mockReturnValueOnce(first.promise)
      .mockResolvedValueOnce([cluster({ status: 'MR_CREATED' })]);
    await provider.connect(connection);

    const refreshes = [
      provider.refresh(),
      provider.refresh(),
      provider.refresh(),
      provider.refresh(),
    ];
    first.resolve([cluster({ status: 'PRE_CHECK_PASSED' })]);
    await Promise.all(refreshes);

    expect(listClusters).toHaveBeenCalledTimes(2);
    expect(connection.mutations).toHaveLength(2);
    expect(
      connection.entities[0].metadata.annotations?.[
        'fleetdeck.io/upgrade-status'
      ],
    ).toBe('MR_CREATED');
  });

  it('refuses to refresh before the catalog connected it', async () => {
    const { provider } = setup();
    await expect(provider.refresh()).rejects.toThrow('not connected');
  });
});

describe('ClusterRegistryEntityProvider.fromConfig', () => {
  function schedulerRecordingSchedules() {
    const scheduler = mockServices.scheduler.mock();
    scheduler.createScheduledTaskRunner.mockReturnValue({ run: jest.fn() });
    return scheduler;
  }

  function fromConfig(data: object, scheduler: SchedulerService) {
    return ClusterRegistryEntityProvider.fromConfig(
      mockServices.rootConfig({ data }),
      {
        logger: mockServices.logger.mock(),
        scheduler,
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
      },
    );
  }

  it('runs every 30 seconds with a one-minute timeout unless configured', () => {
    const scheduler = schedulerRecordingSchedules();
    fromConfig({}, scheduler);
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith(
      DEFAULT_CLUSTER_REGISTRY_SCHEDULE,
    );
    expect(DEFAULT_CLUSTER_REGISTRY_SCHEDULE).toEqual({
      frequency: { seconds: 30 },
      timeout: { minutes: 1 },
    });
  });

  it('reads the schedule from catalog.providers.fleetdeckClusterRegistry.schedule', () => {
    const scheduler = schedulerRecordingSchedules();
    fromConfig(
      {
        catalog: {
          providers: {
            fleetdeckClusterRegistry: {
              schedule: { frequency: { minutes: 5 }, timeout: { seconds: 90 } },
            },
          },
        },
      },
      scheduler,
    );
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith(
      expect.objectContaining({
        frequency: { minutes: 5 },
        timeout: { seconds: 90 },
      }),
    );
  });

  it('rejects a default owner that is not an entity ref, naming the config key', () => {
    expect(() =>
      fromConfig(
        {
          catalog: {
            providers: { fleetdeckClusterRegistry: { defaultOwner: 'a:b:c/' } },
          },
        },
        schedulerRecordingSchedules(),
      ),
    ).toThrow('catalog.providers.fleetdeckClusterRegistry.defaultOwner');
  });
});
