import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { FleetdeckPermissionPolicy } from './FleetdeckPermissionPolicy';

function userIn(userRef: string, ...groups: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: userRef, ownershipEntityRefs: [userRef, ...groups] },
  } as PolicyQueryUser;
}

const ada = userIn('user:default/ada', 'group:default/platform-admins');
const grace = userIn('user:default/grace', 'group:default/platform-operators');
const ben = userIn('user:default/ben', 'group:default/team-sessions');

const entityDelete = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
});
const entityRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});
const waveApprove = createPermission({
  name: 'upgrade-waves.wave.approve',
  attributes: { action: 'update' },
});
const taskCreate = createPermission({
  name: 'scaffolder.task.create',
  attributes: { action: 'create' },
});

const policy = FleetdeckPermissionPolicy.fromConfig(
  new ConfigReader({
    permission: {
      fleetdeck: {
        admins: ['group:default/platform-admins'],
        rules: [
          { permissions: ['scaffolder.*'], allow: ['*'] },
          { permissions: ['upgrade-waves.*'], allow: ['platform-operators'] },
        ],
      },
    },
  }),
);

describe('FleetdeckPermissionPolicy', () => {
  it('allows platform admins an admin-only permission and denies it to an engineer', async () => {
    await expect(
      policy.handle({ permission: entityDelete }, ada),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: entityDelete }, ben),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets everyone signed in read', async () => {
    await expect(
      policy.handle({ permission: entityRead }, ben),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies requests without a signed-in user, even reads', async () => {
    await expect(
      policy.handle({ permission: entityRead }, undefined),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows mutating permissions only to the groups a rule names (short group names accepted)', async () => {
    await expect(
      policy.handle({ permission: waveApprove }, grace),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: waveApprove }, ben),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it("treats '*' as everyone signed in", async () => {
    await expect(
      policy.handle({ permission: taskCreate }, ben),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('does not let a prefix rule match a longer name that only shares its first letters', async () => {
    const lookalike = createPermission({
      name: 'upgrade-wavesx.wave.approve',
      attributes: { action: 'update' },
    });
    await expect(
      policy.handle({ permission: lookalike }, grace),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('defaults the admin group to platform-admins when config names none', async () => {
    const bare = FleetdeckPermissionPolicy.fromConfig(new ConfigReader({}));
    await expect(
      bare.handle({ permission: entityDelete }, ada),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(bare.handle({ permission: taskCreate }, ben)).resolves.toEqual(
      { result: AuthorizeResult.DENY },
    );
  });
});
