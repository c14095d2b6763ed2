import { mockServices } from '@backstage/backend-test-utils';
import {
  openApiDocumentOf,
  openApiGaps,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { WarmPoolsService } from '../service/WarmPoolsService';

describe('the OpenAPI document', () => {
  const document = openApiDocumentOf(
    '@fleetdeck/plugin-warm-pools-backend',
    parse,
  );
  const router = createRouter({
    service: {} as WarmPoolsService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });

  it('describes exactly the routes the router serves, with 404 for every route of a pool and 400 and 403 for terminate', () => {
    const served = servedRoutes(router);
    expect(served).toHaveLength(5);
    expect(served.filter(route => !route.startsWith('GET '))).toEqual([
      'POST /pools/{cluster}/{namespace}/{pool}/pods/{pod}/terminate',
    ]);
    expect(openApiGaps(document, router)).toEqual([]);
  });
});
