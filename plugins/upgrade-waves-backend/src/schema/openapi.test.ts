import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  documentedRoutes,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import fs from 'node:fs';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { UpgradeWavesService } from '../service/UpgradeWavesService';

describe('the OpenAPI document', () => {
  const document = parse(
    fs.readFileSync(
      resolvePackagePath(
        '@fleetdeck/plugin-upgrade-waves-backend',
        'src/schema/openapi.yaml',
      ),
      'utf8',
    ),
  );
  const router = createRouter({
    service: {} as UpgradeWavesService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });
  const served = servedRoutes(router);
  const documented = documentedRoutes(document);

  it('describes exactly the routes the router serves', () => {
    expect(served.length).toBeGreaterThan(10);
    expect(documented).toEqual(served);
  });

  it('documents 403 for every mutating route, and 400 where there is a body', () => {
    for (const [route, operations] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        if (method === 'get') continue;
        const responses = Object.keys(
          operation.responses.$ref ? {} : operation.responses,
        );
        expect({ route, method, responses }).toEqual({
          route,
          method,
          responses: expect.arrayContaining(['400', '403']),
        });
      }
    }
  });
});
