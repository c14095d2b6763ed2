import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fuzzedOperations, fuzzRoutes } from './routeFuzz';

const document = {
  paths: {
    '/things': {
      get: {
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
        ],
        responses: {},
      },
      post: {
        requestBody: { $ref: '#/components/requestBodies/Thing' },
        responses: {},
      },
    },
    '/things/{thingId}': {
      parameters: [{ $ref: '#/components/parameters/thingId' }],
      get: { responses: {} },
    },
  },
  components: {
    parameters: {
      thingId: { name: 'thingId', in: 'path', schema: { type: 'string' } },
    },
    requestBodies: {
      Thing: {
        content: {
          'application/json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/Named' },
                {
                  type: 'object',
                  required: ['size'],
                  properties: { size: { type: 'integer' } },
                },
              ],
            },
          },
        },
      },
    },
    schemas: {
      Named: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' } },
      },
    },
  },
};

/** A server that answers 400 to everything, or 500 when `fails` says so of a request. */
function startServer(
  fails: (request: { url: string; body: string }) => boolean,
): Promise<Server> {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    res
      .writeHead(fails({ url: req.url ?? '', body }) ? 500 : 400)
      .end('{"error":{}}');
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

describe('fuzzedOperations', () => {
  it('reads every operation with its references and allOf resolved', () => {
    const operations = fuzzedOperations(document);

    expect(operations.map(op => op.route)).toEqual([
      'GET /things',
      'POST /things',
      'GET /things/{thingId}',
    ]);
    expect(operations[0].queryParameters.map(p => p.name)).toEqual(['limit']);
    expect(operations[1].body).toMatchObject({
      type: 'object',
      required: ['name', 'size'],
      properties: { name: { type: 'string' }, size: { type: 'integer' } },
    });
    expect(operations[2].pathParameters.map(p => p.name)).toEqual(['thingId']);
  });
});

describe('fuzzRoutes', () => {
  let server: Server | undefined;
  const baseUrl = () =>
    `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api`;

  afterEach(async () => {
    await new Promise(resolve => server?.close(resolve));
    server = undefined;
  });

  it('sends requests to every operation and counts the answers', async () => {
    server = await startServer(() => false);

    const result = await fuzzRoutes({
      document,
      baseUrl: baseUrl(),
      authorization: 'Bearer x',
      runsPerRoute: 5,
      seed: 42,
    });

    expect(result).toEqual({
      seed: 42,
      statuses: {
        'GET /things': { 400: 5 },
        'POST /things': { 400: 5 },
        'GET /things/{thingId}': { 400: 5 },
      },
    });
  });

  it('fails on a 5xx, naming the seed and the request', async () => {
    // The bug it has to find: a name longer than a varchar(255) column.
    server = await startServer(({ body }) => {
      try {
        return JSON.parse(body).name.length > 255;
      } catch {
        return false;
      }
    });

    await expect(
      fuzzRoutes({
        document,
        baseUrl: baseUrl(),
        authorization: 'Bearer x',
        runsPerRoute: 200,
        seed: 7,
      }),
    ).rejects.toThrow(
      /POST \/things: a 5xx \(fuzz seed 7; rerun with FUZZ_SEED=7\)[\s\S]*POST \/things with body \{"name":"[\s\S]* answered 500/,
    );
  });
});
