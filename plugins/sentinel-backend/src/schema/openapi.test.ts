import { mockServices } from '@backstage/backend-test-utils';
import {
  openApiDocumentOf,
  openApiGaps,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { SentinelService } from '../service/SentinelService';

describe('the OpenAPI document', () => {
  const document = openApiDocumentOf(
    '@fleetdeck/plugin-sentinel-backend',
    parse,
  );
  const router = createRouter({
    service: {} as SentinelService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });

  it('describes exactly the routes the router serves, with 404 for every route of a group and 400 and 403 for the failover', () => {
    expect(servedRoutes(router).length).toBeGreaterThanOrEqual(6);
    expect(servedRoutes(router)).toContain('POST /groups/{group}/failover');
    expect(openApiGaps(document, router)).toEqual([]);
  });
});
