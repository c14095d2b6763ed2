import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  CLUSTER_REGISTRY_EVENT_TOPIC,
  Cluster,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { catalogModuleClusterRegistry } from './module';

const registry: Cluster[] = [
  {
    clusterId: 'dev-eu-1',
    name: 'Dev EU 1',
    batchId: 'dev-wave-1',
    environment: 'dev',
    region: 'eu-west-1',
    access: {},
    gitops: { project: 'platform/gitops-dev', paths: ['istio/istiod.yaml'] },
    istioVersion: '1.24.2',
    owners: [],
    status: 'PENDING',
    updatedAt: '2025-01-01T00:00:00.000Z',
  },
];

/** Stands in for the upgrade-waves backend: serves `GET /clusters` and records who asked. */
function upgradeWavesStub(callers: BackstageCredentials[]) {
  return createBackendPlugin({
    pluginId: 'upgrade-waves',
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(async (req, res, next) => {
            if (req.method !== 'GET' || req.path !== '/clusters') {
              next();
              return;
            }
            callers.push(
              await httpAuth.credentials(req, { allow: ['service'] }),
            );
            res.json(registry);
          });
        },
      });
    },
  });
}

describe('catalogModuleClusterRegistry', () => {
  it('adds a provider that reads the registry with a service token and refreshes on registry events', async () => {
    const providers: EntityProvider[] = [];
    const callers: BackstageCredentials[] = [];
    // One events service for both plugins, as the real one behaves across a backend.
    const events = mockServices.events();
    const scheduler = mockServices.scheduler();

    const backend = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...added) => {
              providers.push(...added.flat());
            },
          },
        ],
      ],
      features: [
        catalogModuleClusterRegistry,
        upgradeWavesStub(callers),
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              providers: {
                fleetdeckClusterRegistry: {
                  defaultOwner: 'group:default/fleet-ops',
                  system: 'fleet',
                },
              },
            },
          },
        }),
      ],
    });

    try {
      expect(providers.map(p => p.getProviderName())).toEqual([
        'fleetdeck-cluster-registry',
      ]);

      const mutations: EntityProviderMutation[] = [];
      await providers[0].connect({
        applyMutation: async mutation => {
          mutations.push(mutation);
        },
        refresh: async () => {},
      });
      expect(
        (await scheduler.getScheduledTasks()).map(task => task.id),
      ).toContain('fleetdeck-cluster-registry:refresh');

      await events.publish({
        topic: CLUSTER_REGISTRY_EVENT_TOPIC,
        eventPayload: { clusterId: 'dev-eu-1' },
      });

      expect(callers).toHaveLength(1);
      expect(callers[0].principal).toMatchObject({
        type: 'service',
        subject: 'plugin:catalog',
      });
      expect(mutations).toHaveLength(1);
      const [mutation] = mutations;
      expect(mutation.type).toBe('full');
      const entities = mutation.type === 'full' ? mutation.entities : [];
      expect(entities.map(e => e.entity.metadata.name)).toEqual(['dev-eu-1']);
      expect(entities[0].entity.spec).toEqual({
        type: 'kubernetes-cluster',
        owner: 'group:default/fleet-ops',
        system: 'fleet',
      });
      expect(
        entities[0].entity.metadata.annotations?.[
          'backstage.io/managed-by-location'
        ],
      ).toMatch(/^url:http:\/\/.+\/api\/upgrade-waves\/clusters\/dev-eu-1$/);
    } finally {
      await backend.stop();
    }
  });
});
