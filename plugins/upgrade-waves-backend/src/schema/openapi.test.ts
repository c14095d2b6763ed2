import { mockServices } from '@backstage/backend-test-utils';
import {
  openApiDocumentOf,
  openApiGaps,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { UpgradeWavesService } from '../service/UpgradeWavesService';

describe('the OpenAPI document', () => {
  const document = openApiDocumentOf(
    '@fleetdeck/plugin-upgrade-waves-backend',
    parse,
  );
  const router = createRouter({
    service: {} as UpgradeWavesService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });

  it('describes exactly the routes the router serves, with 404 for every route of an id and 400 and 403 for every change', () => {
    expect(servedRoutes(router).length).toBeGreaterThan(10);
    expect(openApiGaps(document, router)).toEqual([]);
  });
});
