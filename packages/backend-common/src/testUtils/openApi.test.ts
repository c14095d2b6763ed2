import { documentedRoutes, openApiGaps, servedRoutes } from './openApi';

/** What servedRoutes reads of an express router: its stack of route layers (express 4's shape). */
function routerServing(routes: Array<[method: string, path: string]>) {
  return {
    stack: [
      { name: 'jsonParser', route: undefined },
      ...routes.map(([method, path]) => ({
        route: { path, methods: { [method]: true } },
      })),
    ],
  };
}

const router = routerServing([
  ['get', '/pools'],
  ['get', '/pools/:pool'],
  ['post', '/pools/:pool/terminate'],
]);

const complete = {
  paths: {
    '/pools': { get: { responses: { '200': {} } } },
    '/pools/{pool}': {
      parameters: [{ name: 'pool', in: 'path' }],
      get: { responses: { '200': {}, '404': {} } },
    },
    '/pools/{pool}/terminate': {
      post: { responses: { '202': {}, '400': {}, '403': {}, '404': {} } },
    },
  },
};

describe('servedRoutes and documentedRoutes', () => {
  it('name routes alike, in OpenAPI’s form', () => {
    const expected = [
      'GET /pools',
      'GET /pools/{pool}',
      'POST /pools/{pool}/terminate',
    ];

    expect(servedRoutes(router)).toEqual(expected);
    expect(documentedRoutes(complete)).toEqual(expected);
  });
});

describe('openApiGaps', () => {
  it('finds none in a document that describes the router with its error answers', () => {
    expect(openApiGaps(complete, router)).toEqual([]);
  });

  it('names routes served but not documented, and documented but not served', () => {
    const document = {
      paths: {
        '/pools': complete.paths['/pools'],
        '/pools/{pool}/pods': { get: { responses: { '404': {} } } },
        '/pools/{pool}/terminate': complete.paths['/pools/{pool}/terminate'],
      },
    };

    expect(openApiGaps(document, router)).toEqual([
      'GET /pools/{pool}: served but not documented',
      'GET /pools/{pool}/pods: documented but not served',
    ]);
  });

  it('names the 404 of a route with a path parameter, and the 400 and 403 of a change, that are missing', () => {
    const document = {
      paths: {
        '/pools': { get: { responses: { '200': {} } } },
        '/pools/{pool}': { get: { responses: { '200': {} } } },
        '/pools/{pool}/terminate': { post: { responses: { '202': {} } } },
      },
    };

    expect(openApiGaps(document, router)).toEqual([
      'GET /pools/{pool}: documents no 404',
      'POST /pools/{pool}/terminate: documents no 404',
      'POST /pools/{pool}/terminate: documents no 400',
      'POST /pools/{pool}/terminate: documents no 403',
    ]);
  });
});
