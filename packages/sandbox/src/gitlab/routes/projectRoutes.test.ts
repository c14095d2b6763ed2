import request from 'supertest';
import { GitLabSandbox } from '../index';

describe('creating projects through the GitLab sandbox API', () => {
  let sandbox: GitLabSandbox;
  let api: ReturnType<typeof request>;
  let groupId: number;
  const auth = () => ({ 'PRIVATE-TOKEN': sandbox.token });

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    groupId = sandbox.createGroup('platform/services', {
      name: 'Services',
    }).id;
    api = request(sandbox.url);
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('creates an empty project in a group with the settings given, its URLs on the sandbox', async () => {
    const created = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({
        namespace_id: groupId,
        name: 'Payments API',
        description: 'Takes payments',
        visibility: 'internal',
        topics: ['payments', 'python'],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Payments API',
      path: 'payments-api',
      path_with_namespace: 'platform/services/payments-api',
      name_with_namespace: 'platform / Services / Payments API',
      description: 'Takes payments',
      visibility: 'internal',
      topics: ['payments', 'python'],
      empty_repo: true,
      default_branch: 'main',
      web_url: `${sandbox.url}/platform/services/payments-api`,
      http_url_to_repo: `${sandbox.url}/platform/services/payments-api.git`,
      namespace: {
        id: groupId,
        kind: 'group',
        full_path: 'platform/services',
      },
    });
    const tree = await api
      .get(`/api/v4/projects/${created.body.id}/repository/tree`)
      .set(auth())
      .expect(404);
    expect(tree.body).toEqual({ message: '404 Tree Not Found' });
    const branches = await api
      .get(`/api/v4/projects/${created.body.id}/repository/branches`)
      .set(auth())
      .expect(200);
    expect(branches.body).toEqual([]);
  });

  it('starts the repository with a README on the default branch asked for, and protects that branch', async () => {
    const created = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({
        namespace_id: 'platform/services',
        path: 'ledger',
        initialize_with_readme: true,
        default_branch: 'trunk',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'ledger',
      default_branch: 'trunk',
      empty_repo: false,
      readme_url: `${sandbox.url}/platform/services/ledger/-/blob/trunk/README.md`,
    });
    const readme = await api
      .get(`/api/v4/projects/${created.body.id}/repository/files/README.md/raw`)
      .set(auth())
      .expect(200);
    expect(readme.text).toBe('# ledger\n');
    const branch = await api
      .get(`/api/v4/projects/${created.body.id}/repository/branches/trunk`)
      .set(auth())
      .expect(200);
    expect(branch.body).toMatchObject({ default: true, protected: true });
  });

  it('puts a project without a namespace in the token user’s own namespace, its owner a member', async () => {
    const created = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ path: 'sandbox-notes' })
      .expect(201);
    expect(created.body).toMatchObject({
      path_with_namespace: 'fleetdeck-bot/sandbox-notes',
      namespace: { kind: 'user', full_path: 'fleetdeck-bot' },
    });
    const members = await api
      .get(`/api/v4/projects/${created.body.id}/members`)
      .set(auth())
      .expect(200);
    expect(members.body).toEqual([
      expect.objectContaining({ username: 'fleetdeck-bot', access_level: 50 }),
    ]);
    const again = await api
      .post(`/api/v4/projects/${created.body.id}/members`)
      .set(auth())
      .send({ user_id: members.body[0].id, access_level: 50 })
      .expect(409);
    expect(again.body).toEqual({ message: 'Member already exists' });
    const listed = await api
      .get('/api/v4/users/fleetdeck-bot/projects')
      .set(auth())
      .expect(200);
    expect(listed.body.map((p: { path: string }) => p.path)).toEqual([
      'sandbox-notes',
    ]);
  });

  it('answers a taken name or path, a bad path, a missing name and an unknown namespace as GitLab does', async () => {
    await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId, path: 'orders' })
      .expect(201);

    const both = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId, path: 'orders' })
      .expect(400);
    expect(both.body).toEqual({
      message: {
        'project_namespace.name': ['has already been taken'],
        name: ['has already been taken'],
        path: ['has already been taken'],
      },
    });
    // paths are unique regardless of case; another group is another place
    const path = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId, name: 'Orders Two', path: 'ORDERS' })
      .expect(400);
    expect(path.body).toEqual({
      message: { path: ['has already been taken'] },
    });
    await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: 'platform', path: 'orders' })
      .expect(201);

    const bad = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId, path: '-bad.git' })
      .expect(400);
    expect(bad.body.message.path[0]).toMatch(/^can contain only letters/);
    const none = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId })
      .expect(400);
    expect(none.body).toEqual({
      error: 'name, path are missing, at least one parameter must be provided',
    });
    const visibility = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ path: 'x', visibility: 'secret' })
      .expect(400);
    expect(visibility.body).toEqual({
      error: 'visibility does not have a valid value',
    });
    const unknown = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: 999, path: 'x' })
      .expect(400);
    expect(unknown.body).toEqual({ message: { namespace: ['is not valid'] } });

    await api.post('/api/v4/projects').send({ path: 'x' }).expect(401);
    expect(
      (await api.get('/api/v4/projects').set(auth()).expect(200)).body,
    ).toHaveLength(2);
  });

  it('keeps CI variables per key and environment scope, with GitLab’s validation', async () => {
    const { body: project } = await api
      .post('/api/v4/projects')
      .set(auth())
      .send({ namespace_id: groupId, path: 'ci' })
      .expect(201);
    const variables = `/api/v4/projects/${project.id}/variables`;
    const created = await api
      .post(variables)
      .set(auth())
      .send({ key: 'DEPLOY_ENV', value: 'dev' })
      .expect(201);
    expect(created.body).toEqual({
      variable_type: 'env_var',
      key: 'DEPLOY_ENV',
      value: 'dev',
      hidden: false,
      protected: false,
      masked: false,
      raw: false,
      environment_scope: '*',
      description: null,
    });
    const taken = await api
      .post(variables)
      .set(auth())
      .send({ key: 'DEPLOY_ENV', value: 'prod' })
      .expect(400);
    expect(taken.body).toEqual({
      message: { key: ['(DEPLOY_ENV) has already been taken'] },
    });
    await api
      .post(variables)
      .set(auth())
      .send({
        key: 'DEPLOY_ENV',
        value: 'prod',
        environment_scope: 'production',
      })
      .expect(201);
    const invalid = await api
      .post(variables)
      .set(auth())
      .send({ key: 'NOT-OK', value: 'short', masked: true })
      .expect(400);
    expect(invalid.body).toEqual({
      message: {
        key: ["can contain only letters, digits and '_'."],
        value: ['is invalid'],
      },
    });
    const listed = await api.get(variables).set(auth()).expect(200);
    expect(listed.body).toHaveLength(2);
  });
});
