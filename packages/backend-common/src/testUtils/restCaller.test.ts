import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { restCaller } from './restCaller';

/** A server that answers every request with what it received, or with an empty 204 under `/empty`. */
function startEchoServer(): Promise<Server> {
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    if (request.url?.startsWith('/api/empty')) {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(201, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'] ?? null,
        body,
      }),
    );
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

describe('restCaller', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startEchoServer();
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  afterAll(() => new Promise(resolve => server.close(resolve)));

  const call = restCaller(
    () => baseUrl,
    user => `Bearer token-of ${user}`,
  );

  it('sends a body as JSON, as the user, and reads the JSON answer', async () => {
    const answer = await call(
      'POST',
      '/pools/a/terminate',
      'user:default/ada',
      {
        reason: 'game day',
      },
    );

    expect(answer).toEqual({
      status: 201,
      body: {
        method: 'POST',
        url: '/api/pools/a/terminate',
        authorization: 'Bearer token-of user:default/ada',
        contentType: 'application/json',
        body: '{"reason":"game day"}',
      },
    });
  });

  it('sends a string body as it is, so a test can send one that is not JSON', async () => {
    const answer = await call('POST', '/pools', 'user:default/ada', '{oops');

    expect(answer.body).toMatchObject({
      contentType: 'application/json',
      body: '{oops',
    });
  });

  it('sends no body and no content type when there is no body', async () => {
    const answer = await restCaller(baseUrl, () => 'Bearer x')(
      'GET',
      '/pools',
      'user:default/ada',
    );

    expect(answer.body).toMatchObject({
      method: 'GET',
      contentType: null,
      body: '',
    });
  });

  it('gives no body for an empty answer', async () => {
    expect(await call('DELETE', '/empty', 'user:default/ada')).toEqual({
      status: 204,
      body: undefined,
    });
  });
});
