import {
  AuthService,
  DiscoveryService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  CLUSTER_REGISTRY_EVENT_TOPIC,
  Cluster,
  UpgradeWavesApi,
  UpgradeWavesClient,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { clusterToResource } from './clusterResource';

const UPGRADE_WAVES_PLUGIN_ID = 'upgrade-waves';
const CONFIG_PATH = 'catalog.providers.fleetdeckClusterRegistry';

/** Used when `catalog.providers.fleetdeckClusterRegistry.defaultOwner` is not set. @public */
export const DEFAULT_CLUSTER_OWNER = 'group:default/platform';

/** Used when `catalog.providers.fleetdeckClusterRegistry.schedule` is not set. @public */
export const DEFAULT_CLUSTER_REGISTRY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { seconds: 30 },
    timeout: { minutes: 1 },
  };

/** What {@link ClusterRegistryEntityProvider} is made of. @public */
export interface ClusterRegistryEntityProviderOptions {
  /** Reads the registry; an `UpgradeWavesClient` in the backend. */
  client: Pick<UpgradeWavesApi, 'listClusters'>;
  /** Runs the periodic refresh. */
  taskRunner: SchedulerServiceTaskRunner;
  logger: LoggerService;
  /** Gives the upgrade-waves base URL for the entities' location annotations. */
  discovery: Pick<DiscoveryService, 'getExternalBaseUrl'>;
  /** When given, a registry change event refreshes at once instead of waiting for the schedule. */
  events?: EventsService;
  /** Owner of clusters whose record lists none; {@link DEFAULT_CLUSTER_OWNER} by default. */
  defaultOwner?: string;
  /** Entity ref of the System every cluster Resource belongs to. */
  system?: string;
}

// The checks the catalog applies to every entity, so that one malformed record is skipped here
// instead of making the catalog reject the whole mutation.
const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/**
 * Emits one `Resource` entity (`spec.type: kubernetes-cluster`) per cluster in Fleetdeck's upgrade-waves
 * cluster registry, refreshed on a schedule and whenever the registry announces a change.
 *
 * @public
 */
export class ClusterRegistryEntityProvider implements EntityProvider {
  private readonly client: Pick<UpgradeWavesApi, 'listClusters'>;
  private readonly taskRunner: SchedulerServiceTaskRunner;
  private readonly logger: LoggerService;
  private readonly discovery: Pick<DiscoveryService, 'getExternalBaseUrl'>;
  private readonly events?: EventsService;
  private readonly defaultOwner: string;
  private readonly system?: string;
  private connection?: EntityProviderConnection;
  private running?: Promise<void>;
  private queued?: Promise<void>;

  /**
   * Reads `catalog.providers.fleetdeckClusterRegistry` and reads the registry through the upgrade-waves
   * backend's REST API with a service token.
   */
  static fromConfig(
    config: RootConfigService,
    options: {
      logger: LoggerService;
      scheduler: SchedulerService;
      discovery: DiscoveryService;
      auth: AuthService;
      events?: EventsService;
    },
  ): ClusterRegistryEntityProvider {
    const providerConfig = config.getOptionalConfig(CONFIG_PATH);
    const schedule = providerConfig?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          providerConfig.getConfig('schedule'),
        )
      : DEFAULT_CLUSTER_REGISTRY_SCHEDULE;
    const defaultOwner =
      providerConfig?.getOptionalString('defaultOwner') ??
      DEFAULT_CLUSTER_OWNER;
    const system = providerConfig?.getOptionalString('system');
    checkEntityRef(defaultOwner, 'Group', `${CONFIG_PATH}.defaultOwner`);
    if (system !== undefined) {
      checkEntityRef(system, 'System', `${CONFIG_PATH}.system`);
    }

    const { auth } = options;
    const client = new UpgradeWavesClient({
      discoveryApi: options.discovery,
      getToken: async () => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: UPGRADE_WAVES_PLUGIN_ID,
        });
        return token;
      },
    });

    return new ClusterRegistryEntityProvider({
      client,
      taskRunner: options.scheduler.createScheduledTaskRunner(schedule),
      logger: options.logger,
      discovery: options.discovery,
      events: options.events,
      defaultOwner,
      system,
    });
  }

  constructor(options: ClusterRegistryEntityProviderOptions) {
    this.client = options.client;
    this.taskRunner = options.taskRunner;
    this.logger = options.logger;
    this.discovery = options.discovery;
    this.events = options.events;
    this.defaultOwner = options.defaultOwner ?? DEFAULT_CLUSTER_OWNER;
    this.system = options.system;
  }

  getProviderName(): string {
    return 'fleetdeck-cluster-registry';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.events?.subscribe({
      id: this.getProviderName(),
      topics: [CLUSTER_REGISTRY_EVENT_TOPIC],
      onEvent: async params => {
        const { clusterId } = (params.eventPayload ?? {}) as {
          clusterId?: unknown;
        };
        this.logger.debug(
          `Registry changed (cluster ${String(clusterId)}), refreshing`,
        );
        await this.refresh();
      },
    });
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /**
   * Replaces the provider's entities with the registry's clusters. When the registry cannot be read,
   * logs a warning and leaves the catalog as it was.
   *
   * Requests that arrive while a refresh runs share one follow-up refresh, so a burst of registry
   * events reads the registry at most twice and the last mutation always reflects the newest data.
   */
  refresh(): Promise<void> {
    if (!this.connection) {
      return Promise.reject(
        new Error(`${this.getProviderName()} is not connected yet`),
      );
    }
    if (!this.running) {
      this.running = this.applyRegistry(this.connection).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (!this.queued) {
      const next = () => {
        this.queued = undefined;
        return this.refresh();
      };
      this.queued = this.running.then(next, next);
    }
    return this.queued;
  }

  private async applyRegistry(connection: EntityProviderConnection) {
    let clusters: Cluster[];
    let registryBaseUrl: string;
    try {
      clusters = await this.client.listClusters();
      registryBaseUrl = await this.discovery.getExternalBaseUrl(
        UPGRADE_WAVES_PLUGIN_ID,
      );
    } catch (error) {
      // A full mutation with nothing would delete every cluster entity, so keep what is there.
      this.logger.warn(
        `Could not read the cluster registry, keeping the current cluster entities: ${error}`,
      );
      return;
    }

    const entities: DeferredEntity[] = [];
    for (const cluster of clusters) {
      const entity = clusterToResource(cluster, {
        defaultOwner: this.defaultOwner,
        system: this.system,
        registryBaseUrl,
      });
      try {
        await checkEntity(entity);
      } catch (error) {
        this.logger.warn(
          `Skipping cluster ${cluster.clusterId}, its entity is not valid: ${error}`,
        );
        continue;
      }
      // A stable key (not the URL, which follows discovery config) so the catalog keeps treating
      // the entity as this provider's after a base URL change.
      entities.push({
        entity,
        locationKey: `${this.getProviderName()}:${cluster.clusterId}`,
      });
    }

    try {
      await connection.applyMutation({ type: 'full', entities });
    } catch (error) {
      this.logger.warn(`Could not apply the cluster entities: ${error}`);
      return;
    }
    this.logger.debug(
      `Applied ${entities.length} cluster entities of ${clusters.length} registry clusters`,
    );
  }
}

async function checkEntity(entity: Entity) {
  await entityPolicy.enforce(entity);
  await resourceEntityV1alpha1Validator.check(entity);
  // The catalog reads a kind-less owner as a Group.
  parseEntityRef(entity.spec?.owner as string, {
    defaultKind: 'Group',
    defaultNamespace: 'default',
  });
}

function checkEntityRef(ref: string, defaultKind: string, configKey: string) {
  try {
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (error) {
    throw new Error(
      `Invalid config ${configKey}: '${ref}' is not an entity ref (${error})`,
    );
  }
}
