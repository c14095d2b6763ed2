import { Gitlab } from '@gitbeaker/rest';
import request from 'supertest';
import { GitLabSandbox } from '../index';

describe('namespaces, groups and users in the GitLab sandbox', () => {
  let sandbox: GitLabSandbox;
  let http: ReturnType<typeof request>;
  let api: InstanceType<typeof Gitlab>;
  const auth = () => ({ 'PRIVATE-TOKEN': sandbox.token });

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({
      path: 'platform/mesh/istio-config',
      files: { 'a.txt': 'a\n' },
    });
    http = request(sandbox.url);
    api = new Gitlab({ host: sandbox.url, token: sandbox.token });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('finds a namespace by id and by full path, with its parent', async () => {
    const mesh = await api.Namespaces.show('platform/mesh');
    const platform = await api.Namespaces.show('platform');
    expect(mesh).toEqual({
      id: expect.any(Number),
      name: 'mesh',
      path: 'mesh',
      kind: 'group',
      full_path: 'platform/mesh',
      parent_id: platform.id,
      avatar_url: null,
      web_url: `${sandbox.url}/groups/platform/mesh`,
    });
    expect(await api.Namespaces.show(mesh.id)).toEqual(mesh);
    expect(await api.Namespaces.show('fleetdeck-bot')).toMatchObject({
      kind: 'user',
      full_path: 'fleetdeck-bot',
      parent_id: null,
      web_url: `${sandbox.url}/fleetdeck-bot`,
    });
    const unknown = await http
      .get('/api/v4/namespaces/nobody')
      .set(auth())
      .expect(404);
    expect(unknown.body).toEqual({ message: '404 Namespace Not Found' });
    await http.get('/api/v4/namespaces/platform').expect(401);
  });

  it('lists a group’s projects with search, and its subgroups’ on request', async () => {
    sandbox.createProject({ path: 'platform/portal', files: { 'a.txt': '' } });
    const direct = await api.Groups.allProjects('platform');
    expect(direct.map(p => p.path_with_namespace)).toEqual(['platform/portal']);
    const all = await api.Groups.allProjects('platform', {
      includeSubgroups: true,
      search: 'istio',
    });
    expect(all.map(p => p.path_with_namespace)).toEqual([
      'platform/mesh/istio-config',
    ]);
    expect(await api.Groups.show('platform/mesh')).toMatchObject({
      full_name: 'platform / mesh',
      full_path: 'platform/mesh',
    });
    const notAGroup = await http
      .get('/api/v4/groups/fleetdeck-bot')
      .set(auth())
      .expect(404);
    expect(notAGroup.body).toEqual({ message: '404 Group Not Found' });
  });

  it('creates a group under a parent and refuses a taken path', async () => {
    const parent = await api.Groups.show('platform');
    const created = await api.Groups.create('Payments', 'payments', {
      parentId: parent.id,
      description: 'Payment services',
    });
    expect(created).toMatchObject({
      full_path: 'platform/payments',
      full_name: 'platform / Payments',
      parent_id: parent.id,
    });
    const taken = await http
      .post('/api/v4/groups')
      .set(auth())
      .send({ name: 'Payments', path: 'payments', parent_id: parent.id })
      .expect(400);
    expect(taken.body).toEqual({
      message: 'Failed to save group {:path=>["has already been taken"]}',
    });
    const missing = await http
      .post('/api/v4/groups')
      .set(auth())
      .send({ name: 'x' })
      .expect(400);
    expect(missing.body).toEqual({ error: 'path is missing' });
  });

  it('finds the token user by username and id, and no one else', async () => {
    const me = await api.Users.showCurrentUser();
    expect(await api.Users.all({ username: 'fleetdeck-bot' })).toEqual([
      expect.objectContaining({ id: me.id, username: 'fleetdeck-bot' }),
    ]);
    expect(await api.Users.all({ username: 'someone-else' })).toEqual([]);
    expect(await api.Users.show(me.id)).toMatchObject({
      username: 'fleetdeck-bot',
    });
    const unknown = await http
      .get('/api/v4/users/4242')
      .set(auth())
      .expect(404);
    expect(unknown.body).toEqual({ message: '404 User Not Found' });
  });
});
