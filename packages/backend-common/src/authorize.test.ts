import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { authorizeUser, normalizeUserRef, sameUser } from './authorize';

describe('normalizeUserRef', () => {
  it.each([
    'user:default/ada',
    'User:Default/Ada',
    'USER:DEFAULT/ADA',
    'ada',
    'Ada',
    'default/ada',
    'user:ada',
    '  user:default/ada ',
  ])('spells %p as user:default/ada', ref => {
    expect(normalizeUserRef(ref)).toBe('user:default/ada');
  });

  it('keeps another namespace or kind', () => {
    expect(normalizeUserRef('other/ada')).toBe('user:other/ada');
    expect(normalizeUserRef('Group:Default/Platform')).toBe(
      'group:default/platform',
    );
  });
});

describe('sameUser', () => {
  it('matches the spellings of one person', () => {
    for (const ref of ['User:Default/Ada', 'ada', 'default/ada', 'user:ada']) {
      expect(sameUser(ref, 'user:default/ada')).toBe(true);
      expect(sameUser('user:default/ada', ref)).toBe(true);
    }
  });

  it('tells apart a namesake in another namespace, another kind and another name', () => {
    expect(sameUser('user:other/ada', 'user:default/ada')).toBe(false);
    expect(sameUser('other/ada', 'ada')).toBe(false);
    expect(sameUser('group:default/ada', 'user:default/ada')).toBe(false);
    expect(sameUser('user:default/grace', 'user:default/ada')).toBe(false);
  });
});

describe('authorizeUser', () => {
  const permission = createPermission({
    name: 'test.thing.change',
    attributes: { action: 'update' },
  });
  const requestWith = (authorization: string) =>
    ({ headers: { authorization } } as any);
  const httpAuth = mockServices.httpAuth();
  const permissions = {
    authorize: jest.fn(async (_requests: unknown[], { credentials }: any) => [
      {
        result:
          credentials.principal.userEntityRef === 'user:default/nobody'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      },
    ]),
    authorizeConditional: jest.fn(),
  } as any;

  beforeEach(() => permissions.authorize.mockClear());

  it('gives an allowed user their normalized ref', async () => {
    const { actor, credentials } = await authorizeUser(
      httpAuth,
      permissions,
      requestWith(mockCredentials.user.header('user:default/Ada')),
      permission,
    );

    expect(actor).toBe('user:default/ada');
    expect(credentials.principal.userEntityRef).toBe('user:default/Ada');
    expect(permissions.authorize).toHaveBeenCalledWith([{ permission }], {
      credentials,
    });
  });

  it('refuses a service principal with a 403, without asking for a permission decision', async () => {
    await expect(
      authorizeUser(
        httpAuth,
        permissions,
        requestWith(mockCredentials.service.header()),
        permission,
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('refuses a user the permission framework denies, naming the permission', async () => {
    await expect(
      authorizeUser(
        httpAuth,
        permissions,
        requestWith(mockCredentials.user.header('user:default/nobody')),
        permission,
      ),
    ).rejects.toThrow(new NotAllowedError('test.thing.change is not granted'));
  });
});
