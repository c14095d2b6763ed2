import request from 'supertest';
import { GitLabSandbox } from './index';

const PROJECT = 'platform/app';
const ENCODED = encodeURIComponent(PROJECT);

describe('GitLabSandbox over raw HTTP', () => {
  let sandbox: GitLabSandbox;
  let api: ReturnType<typeof request>;
  const auth = () => ({ 'PRIVATE-TOKEN': sandbox.token });

  beforeEach(async () => {
    sandbox = await GitLabSandbox.start();
    sandbox.createProject({ path: PROJECT, files: { 'a.txt': 'a\n' } });
    api = request(sandbox.url);
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('listens on loopback only', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('accepts the token as PRIVATE-TOKEN and as a Bearer token, and nothing else', async () => {
    await api.get('/api/v4/user').set(auth()).expect(200);
    await api
      .get('/api/v4/user')
      .set('Authorization', `Bearer ${sandbox.token}`)
      .expect(200);
    const missing = await api.get('/api/v4/user').expect(401);
    expect(missing.body).toEqual({ message: '401 Unauthorized' });
    const wrong = await api
      .get('/api/v4/user')
      .set('PRIVATE-TOKEN', 'glpat-wrong')
      .expect(401);
    expect(wrong.body).toEqual({ message: '401 Unauthorized' });
  });

  it('answers unknown routes and unknown projects as GitLab does', async () => {
    const route = await api
      .get('/api/v4/no/such/route')
      .set(auth())
      .expect(404);
    expect(route.body).toEqual({ error: '404 Not Found' });
    const method = await api
      .patch(`/api/v4/projects/${ENCODED}`)
      .set(auth())
      .expect(404);
    expect(method.body).toEqual({ error: '404 Not Found' });
    const project = await api
      .get('/api/v4/projects/platform%2Fnope')
      .set(auth())
      .expect(404);
    expect(project.body).toEqual({ message: '404 Project Not Found' });
    const mr = await api
      .get(`/api/v4/projects/${ENCODED}/merge_requests/9`)
      .set(auth())
      .expect(404);
    expect(mr.body).toEqual({ message: '404 Not found' });
  });

  it('names every missing required parameter in a 400', async () => {
    const response = await api
      .post(`/api/v4/projects/${ENCODED}/merge_requests`)
      .set(auth())
      .send({ title: 'x' })
      .expect(400);
    expect(response.body).toEqual({
      error: 'source_branch is missing, target_branch is missing',
    });
    const ref = await api
      .get(`/api/v4/projects/${ENCODED}/repository/files/a.txt`)
      .set(auth())
      .expect(400);
    expect(ref.body).toEqual({ error: 'ref is missing' });
  });

  it('reads parameters from the query string and from a form body', async () => {
    await api
      .post(
        `/api/v4/projects/${ENCODED}/repository/branches?branch=feature%2Fx&ref=main`,
      )
      .set(auth())
      .expect(201);
    await api
      .post(`/api/v4/projects/${ENCODED}/repository/branches`)
      .set(auth())
      .type('form')
      .send({ branch: 'feature/y', ref: 'feature/x' })
      .expect(201);
    const branch = await api
      .get(
        `/api/v4/projects/${ENCODED}/repository/branches/${encodeURIComponent(
          'feature/y',
        )}`,
      )
      .set(auth())
      .expect(200);
    expect(branch.body).toMatchObject({
      name: 'feature/y',
      default: false,
      protected: false,
    });
  });

  it('paginates with GitLab headers and links', async () => {
    for (let i = 1; i <= 5; i++) {
      await api
        .post(`/api/v4/projects/${ENCODED}/repository/branches`)
        .set(auth())
        .send({ branch: `b${i}`, ref: 'main' })
        .expect(201);
    }
    const page = await api
      .get(`/api/v4/projects/${ENCODED}/repository/branches?per_page=2&page=2`)
      .set(auth())
      .expect(200);
    expect(page.body.map((b: { name: string }) => b.name)).toEqual([
      'b3',
      'b4',
    ]);
    expect(page.headers).toMatchObject({
      'x-page': '2',
      'x-per-page': '2',
      'x-total': '6',
      'x-total-pages': '3',
      'x-next-page': '3',
      'x-prev-page': '1',
    });
    const links = page.headers.link;
    expect(links).toContain(
      `<${sandbox.url}/api/v4/projects/${ENCODED}/repository/branches?per_page=2&page=3>; rel="next"`,
    );
    expect(links).toContain('page=1>; rel="prev"');
    expect(links).toContain('page=1>; rel="first"');
    expect(links).toContain('page=3>; rel="last"');

    const capped = await api
      .get(`/api/v4/projects/${ENCODED}/repository/branches?per_page=500`)
      .set(auth())
      .expect(200);
    expect(capped.headers['x-per-page']).toBe('100');
    expect(capped.headers['x-next-page']).toBe('');
  });

  it('sends rate-limit headers on every response, errors included', async () => {
    const first = await api.get('/api/v4/user').set(auth()).expect(200);
    const second = await api.get('/api/v4/nope').expect(404);
    for (const response of [first, second]) {
      expect(response.headers['ratelimit-limit']).toBe('2000');
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(
        Date.now() / 1000,
      );
    }
    expect(first.headers['ratelimit-observed']).toBe('1');
    expect(second.headers['ratelimit-observed']).toBe('2');
    expect(second.headers['ratelimit-remaining']).toBe('1998');
  });

  it('fails the next matching requests with an injected 429 carrying Retry-After', async () => {
    sandbox.injectFaults({
      status: 429,
      times: 2,
      retryAfterSeconds: 3,
      pathPattern: /\/user$/,
    });
    await api.get(`/api/v4/projects/${ENCODED}`).set(auth()).expect(200);
    const throttled = await api.get('/api/v4/user').set(auth()).expect(429);
    expect(throttled.headers['retry-after']).toBe('3');
    expect(throttled.text).toBe('Retry later\n');
    await api.get('/api/v4/user').set(auth()).expect(429);
    await api.get('/api/v4/user').set(auth()).expect(200);
    const log = sandbox.requestLog();
    expect(log.map(({ at: _at, ...entry }) => entry)).toEqual([
      { method: 'GET', path: '/api/v4/projects/platform/app', status: 200 },
      { method: 'GET', path: '/api/v4/user', status: 429 },
      { method: 'GET', path: '/api/v4/user', status: 429 },
      { method: 'GET', path: '/api/v4/user', status: 200 },
    ]);
    // arrival times, in the order the requests came
    const times = log.map(entry => entry.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('fails a fraction of the matching requests until the faults are cleared', async () => {
    const statuses = async (count: number) => {
      const seen: number[] = [];
      for (let i = 0; i < count; i++) {
        seen.push((await api.get('/api/v4/user').set(auth())).status);
      }
      return seen;
    };
    sandbox.injectFaults({
      status: 502,
      rate: 0.5,
      seed: 7,
      pathPattern: /\/user$/,
    });
    await api.get(`/api/v4/projects/${ENCODED}`).set(auth()).expect(200);
    const first = await statuses(40);
    expect(new Set(first)).toEqual(new Set([200, 502]));

    // the same seed fails the same requests again
    sandbox.clearFaults();
    sandbox.injectFaults({ status: 502, rate: 0.5, seed: 7 });
    expect(await statuses(40)).toEqual(first);

    sandbox.clearFaults();
    expect(new Set(await statuses(10))).toEqual(new Set([200]));
  });

  it('tries faults in the order they were injected, a rate of 1 failing every request', async () => {
    sandbox.injectFaults({ status: 429, rate: 1, retryAfterSeconds: 1 });
    sandbox.injectFaults({ status: 500, times: 1 });
    const throttled = await api.get('/api/v4/user').set(auth()).expect(429);
    expect(throttled.headers['retry-after']).toBe('1');
    await api.get('/api/v4/user').set(auth()).expect(429);
    sandbox.clearFaults();
    sandbox.injectFaults({ status: 500, times: 1 });
    sandbox.injectFaults({ status: 429, rate: 1 });
    await api.get('/api/v4/user').set(auth()).expect(500);
    await api.get('/api/v4/user').set(auth()).expect(429);
  });

  it('refuses a fault rate outside (0, 1]', () => {
    expect(() => sandbox.injectFaults({ status: 502, rate: 0 })).toThrow(
      /rate/,
    );
    expect(() => sandbox.injectFaults({ status: 502, rate: 1.5 })).toThrow(
      /rate/,
    );
  });

  it('injects a 502 like the gateway in front of GitLab', async () => {
    sandbox.injectFaults({ status: 502, times: 1 });
    const response = await api.get('/api/v4/user').set(auth()).expect(502);
    expect(response.text).toContain('502');
    await api.get('/api/v4/user').set(auth()).expect(200);
  });

  it('waits the configured latency before answering', async () => {
    sandbox.setLatency(150);
    const started = performance.now();
    await api.get('/api/v4/user').set(auth()).expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses a commit whose action names no file, naming the field as GitLab does', async () => {
    const response = await api
      .post(`/api/v4/projects/${ENCODED}/repository/commits`)
      .set(auth())
      .send({
        branch: 'main',
        commit_message: 'x',
        actions: [{ action: 'create', content: 'x' }],
      })
      .expect(400);
    expect(response.body).toEqual({
      error: 'actions[0][file_path] is missing',
    });
    expect(sandbox.readFile(PROJECT, 'a.txt')).toBe('a\n');
  });

  it('moves a file within a commit and refuses to start a branch that exists', async () => {
    await api
      .post(`/api/v4/projects/${ENCODED}/repository/commits`)
      .set(auth())
      .send({
        branch: 'rename',
        start_branch: 'main',
        commit_message: 'rename',
        actions: [
          { action: 'move', previous_path: 'a.txt', file_path: 'b.txt' },
        ],
      })
      .expect(201);
    expect(sandbox.readFile(PROJECT, 'b.txt', 'rename')).toBe('a\n');
    expect(sandbox.readFile(PROJECT, 'a.txt', 'rename')).toBeUndefined();

    const again = await api
      .post(`/api/v4/projects/${ENCODED}/repository/commits`)
      .set(auth())
      .send({
        branch: 'rename',
        start_branch: 'main',
        commit_message: 'again',
        actions: [{ action: 'create', file_path: 'c.txt', content: 'c' }],
      })
      .expect(400);
    expect(again.body.message).toBe(
      'A branch called rename already exists. Switch to that branch in order to make changes',
    );
  });

  it('reopens a closed merge request unless another one is open for the same branches', async () => {
    const post = (title: string) =>
      api
        .post(`/api/v4/projects/${ENCODED}/merge_requests`)
        .set(auth())
        .send({ source_branch: 'topic', target_branch: 'main', title });
    sandbox.pushFiles(PROJECT, { branch: 'topic', files: { 'a.txt': 'b\n' } });
    await post('first').expect(201);
    await api
      .put(`/api/v4/projects/${ENCODED}/merge_requests/1`)
      .set(auth())
      .send({ state_event: 'close' })
      .expect(200);
    await post('second').expect(201);
    const reopen = await api
      .put(`/api/v4/projects/${ENCODED}/merge_requests/1`)
      .set(auth())
      .send({ state_event: 'reopen' })
      .expect(409);
    expect(reopen.body).toEqual({
      message: [
        'Another open merge request already exists for this source branch: !2',
      ],
    });
    const list = await api
      .get(`/api/v4/projects/${ENCODED}/merge_requests?search=SECOND`)
      .set(auth())
      .expect(200);
    expect(list.body.map((mr: { iid: number }) => mr.iid)).toEqual([2]);
  });

  it('stops listening on stop', async () => {
    const { url } = sandbox;
    await sandbox.stop();
    await expect(fetch(`${url}/api/v4/user`)).rejects.toThrow();
  });
});
