import path from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { authModuleDevelopmentProvider } from './modules/developmentSignIn';
import { permissionModuleFleetdeckPolicy } from './modules/permissionPolicy';

const catalogInfo = path.resolve(__dirname, '../../../catalog-info.yaml');

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Each plugin gets its own fresh logical database, as a real deployment does. */
function databasePerPlugin(id: TestDatabaseId) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {},
    async factory() {
      const knex = await databases.init(id);
      return { getClient: async () => knex };
    },
  });
}

const config = {
  app: { baseUrl: 'http://localhost:3000' },
  auth: {
    providers: { development: { dangerouslyAllowOutsideDevelopment: true } },
  },
  catalog: {
    rules: [
      {
        allow: ['Component', 'System', 'Location', 'Group', 'User', 'Template'],
      },
    ],
    locations: [{ type: 'file', target: catalogInfo }],
  },
};

const permissionConfig = {
  permission: {
    enabled: true,
    fleetdeck: { admins: ['group:default/platform-admins'], rules: [] },
  },
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('Fleetdeck backend', () => {
  it.each(databases.eachSupportedId())(
    'loads the Fleetdeck catalog and signs in its users with their groups on %p',
    async databaseId => {
      const { server } = await startTestBackend({
        features: [
          catalogPlugin,
          authPlugin,
          authModuleDevelopmentProvider,
          databasePerPlugin(databaseId),
          mockServices.rootConfig.factory({ data: config }),
        ],
      });

      const ada = await waitFor('user ada in the catalog', async () => {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/user/default/ada')
          .set('Authorization', mockCredentials.user.header());
        return res.status === 200 ? res.body : undefined;
      });
      expect(ada.spec.memberOf).toEqual(['platform-admins']);

      const signIn = await request(server)
        .get('/api/auth/development/refresh?env=development')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('x-fleetdeck-user', 'ada');
      expect(signIn.status).toBe(200);
      expect(signIn.body.profile.displayName).toBe('Ada Okafor');
      expect(signIn.body.backstageIdentity.identity).toEqual({
        type: 'user',
        userEntityRef: 'user:default/ada',
        ownershipEntityRefs: expect.arrayContaining([
          'user:default/ada',
          'group:default/platform-admins',
        ]),
      });

      const unknown = await request(server)
        .get('/api/auth/development/refresh?env=development')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('x-fleetdeck-user', 'mallory');
      expect(unknown.status).toBe(404);

      const malformed = await request(server)
        .get('/api/auth/development/refresh?env=development')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('x-fleetdeck-user', 'user:default/ada');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('x-fleetdeck-user');
    },
    120_000,
  );

  it('refuses development sign-in outside NODE_ENV=development unless allowed', async () => {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        authModuleDevelopmentProvider,
        mockServices.rootConfig.factory({
          data: { ...config, auth: { providers: { development: {} } } },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/auth/development/refresh?env=development')
      .set('X-Requested-With', 'XMLHttpRequest')
      .set('x-fleetdeck-user', 'ada');
    expect(res.status).toBe(403);
  });

  it('applies the Fleetdeck policy in the permission backend: the engineer is denied, the admin allowed', async () => {
    const groups: Record<string, string[]> = {
      'user:default/ada': ['group:default/platform-admins'],
      'user:default/ben': ['group:default/team-sessions'],
    };
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        permissionModuleFleetdeckPolicy,
        mockServices.rootConfig.factory({ data: permissionConfig }),
        mockServices.userInfo.mock({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef as string;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...groups[ref]],
            };
          },
        }).factory,
      ],
    });

    const authorize = (user: string) =>
      request(server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header(user))
        .send({
          items: [
            {
              id: 'delete',
              permission: {
                type: 'basic',
                name: 'catalog.entity.delete',
                attributes: { action: 'delete' },
              },
            },
            {
              id: 'read',
              permission: {
                type: 'basic',
                name: 'catalog.location.read',
                attributes: { action: 'read' },
              },
            },
          ],
        });

    const asBen = await authorize('user:default/ben');
    expect(asBen.status).toBe(200);
    expect(asBen.body.items).toEqual([
      { id: 'delete', result: 'DENY' },
      { id: 'read', result: 'ALLOW' },
    ]);

    const asAda = await authorize('user:default/ada');
    expect(asAda.body.items).toEqual([
      { id: 'delete', result: 'ALLOW' },
      { id: 'read', result: 'ALLOW' },
    ]);
  });
});
