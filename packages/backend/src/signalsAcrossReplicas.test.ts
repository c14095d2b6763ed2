import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import type { Knex } from 'knex';

/*
 * Live updates across replicas: a signal published on one backend reaches the signals of another. Signals travel as
 * events on the `signals` topic (what @backstage/plugin-signals-backend subscribes to and forwards to browsers);
 * with @backstage/plugin-events-backend installed, the events of all replicas meet on its event bus in the shared
 * PostgreSQL database. Without it, a browser on replica B never saw what replica A did.
 */
jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'signals across replicas (%s)',
  id => {
    let shared: Knex;
    const stops: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      shared = await databases.init(id);
    });

    afterAll(async () => {
      for (const stop of stops) await stop();
    });

    /** One replica: the events plugin on the shared database, and a plugin that publishes or listens. */
    async function replica(plugin: ReturnType<typeof createBackendPlugin>) {
      const backend = await startTestBackend({
        features: [
          eventsPlugin,
          // the real events service (the test backend's own stays in-process)
          eventsServiceFactory,
          plugin,
          mockServices.rootConfig.factory({
            data: { events: { useEventBus: 'always' } },
          }),
          mockServices.rootLogger.factory({ level: 'warn' }),
          createServiceFactory({
            service: coreServices.database,
            deps: {},
            factory: () => ({ getClient: async () => shared }),
          }),
        ],
      });
      stops.push(() => backend.stop());
      return backend;
    }

    it('delivers a signal published on replica A to the signals subscribers of replica B', async () => {
      const received: unknown[] = [];
      await replica(
        createBackendPlugin({
          pluginId: 'listener',
          register(env) {
            env.registerInit({
              deps: { events: eventsServiceRef },
              async init({ events }) {
                await events.subscribe({
                  id: 'signals-relay',
                  topics: ['signals'],
                  onEvent: async event => {
                    received.push(event.eventPayload);
                  },
                });
              },
            });
          },
        }),
      );
      let publish!: (n: number) => Promise<void>;
      await replica(
        createBackendPlugin({
          pluginId: 'publisher',
          register(env) {
            env.registerInit({
              deps: { signals: signalsServiceRef },
              async init({ signals }) {
                publish = n =>
                  signals.publish({
                    recipients: { type: 'broadcast' },
                    channel: 'upgrade-waves:fleet',
                    message: { waveId: `w${n}`, status: 'MERGING' },
                  });
              },
            });
          },
        }),
      );

      // poll with a deadline: the bus delivers once B's subscription is registered with it
      const deadline = Date.now() + 30_000;
      let n = 0;
      while (
        !received.some(
          p => (p as { channel?: string }).channel === 'upgrade-waves:fleet',
        )
      ) {
        if (Date.now() > deadline) {
          throw new Error(
            `replica B saw no signal of replica A; it saw ${JSON.stringify(
              received,
            )}`,
          );
        }
        await publish(n++);
        await new Promise(r => setTimeout(r, 250));
      }
      expect(received).toContainEqual(
        expect.objectContaining({
          channel: 'upgrade-waves:fleet',
          message: expect.objectContaining({ status: 'MERGING' }),
        }),
      );
    });
  },
);
