import request from 'supertest';
import { GitLabSandbox } from '../index';

const PROJECT = encodeURIComponent('platform/app');

describe('protected branches in the GitLab sandbox', () => {
  let sandbox: GitLabSandbox;
  let api: ReturnType<typeof request>;
  const auth = () => ({ 'PRIVATE-TOKEN': sandbox.token });
  const rules = `/api/v4/projects/${PROJECT}/protected_branches`;

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({ path: 'platform/app', files: { 'a.txt': 'a\n' } });
    api = request(sandbox.url);
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('protects the default branch from the start, and refuses to protect it twice', async () => {
    const listed = await api.get(rules).set(auth()).expect(200);
    expect(listed.body).toEqual([
      {
        id: expect.any(Number),
        name: 'main',
        push_access_levels: [
          expect.objectContaining({
            access_level: 40,
            access_level_description: 'Maintainers',
          }),
        ],
        merge_access_levels: [expect.objectContaining({ access_level: 40 })],
        unprotect_access_levels: [
          expect.objectContaining({ access_level: 40 }),
        ],
        allow_force_push: false,
        code_owner_approval_required: false,
      },
    ]);
    const twice = await api
      .post(rules)
      .set(auth())
      .send({ name: 'main' })
      .expect(409);
    expect(twice.body).toEqual({
      message: "Protected branch 'main' already exists",
    });
  });

  it('protects branches by name and wildcard, and shows it on the branches', async () => {
    await api
      .post(`/api/v4/projects/${PROJECT}/repository/branches`)
      .set(auth())
      .send({ branch: 'release/1.0', ref: 'main' })
      .expect(201);
    const created = await api
      .post(rules)
      .set(auth())
      .send({
        name: 'release/*',
        push_access_level: 30,
        allow_force_push: true,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'release/*',
      push_access_levels: [
        expect.objectContaining({
          access_level: 30,
          access_level_description: 'Developers + Maintainers',
        }),
      ],
      allow_force_push: true,
    });
    const branch = await api
      .get(
        `/api/v4/projects/${PROJECT}/repository/branches/${encodeURIComponent(
          'release/1.0',
        )}`,
      )
      .set(auth())
      .expect(200);
    expect(branch.body).toMatchObject({
      protected: true,
      developers_can_push: true,
      developers_can_merge: false,
    });

    const bad = await api
      .post(rules)
      .set(auth())
      .send({ name: 'x', merge_access_level: 35 })
      .expect(400);
    expect(bad.body).toEqual({
      error: 'merge_access_level does not have a valid value',
    });

    await api
      .delete(`${rules}/${encodeURIComponent('release/*')}`)
      .set(auth())
      .expect(204);
    const unknown = await api
      .get(`${rules}/${encodeURIComponent('release/*')}`)
      .set(auth())
      .expect(404);
    expect(unknown.body).toEqual({ message: '404 Not found' });
  });
});
