import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  documentedRoutes,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import fs from 'node:fs';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { WarmPoolsService } from '../service/WarmPoolsService';

describe('the OpenAPI document', () => {
  const document = parse(
    fs.readFileSync(
      resolvePackagePath(
        '@fleetdeck/plugin-warm-pools-backend',
        'src/schema/openapi.yaml',
      ),
      'utf8',
    ),
  );
  const router = createRouter({
    service: {} as WarmPoolsService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });
  const served = servedRoutes(router);
  const documented = documentedRoutes(document);

  it('describes exactly the routes the router serves', () => {
    expect(served).toHaveLength(5);
    expect(documented).toEqual(served);
  });

  it('documents 404 for every route of a pool, and 400 and 403 for terminate', () => {
    const operations = Object.entries<any>(document.paths).flatMap(
      ([route, byMethod]) =>
        Object.entries<any>(byMethod).map(([method, operation]) => ({
          route,
          method,
          responses: Object.keys(operation.responses),
        })),
    );
    const without = (code: string, list: typeof operations) =>
      list
        .filter(op => !op.responses.includes(code))
        .map(op => `${op.method} ${op.route}`);
    const ofPool = operations.filter(op => op.route.includes('{pool}'));
    const mutating = operations.filter(op => op.method !== 'get');

    expect(mutating).toHaveLength(1);
    expect(without('404', ofPool)).toEqual([]);
    expect(without('400', mutating)).toEqual([]);
    expect(without('403', mutating)).toEqual([]);
  });
});
