import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  documentedRoutes,
  servedRoutes,
} from '@fleetdeck/backend-common/testUtils';
import fs from 'node:fs';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { SentinelService } from '../service/SentinelService';

describe('the OpenAPI document', () => {
  const document = parse(
    fs.readFileSync(
      resolvePackagePath(
        '@fleetdeck/plugin-sentinel-backend',
        'src/schema/openapi.yaml',
      ),
      'utf8',
    ),
  );
  const router = createRouter({
    service: {} as SentinelService,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });
  const served = servedRoutes(router);
  const documented = documentedRoutes(document);

  it('describes exactly the routes the router serves', () => {
    expect(served.length).toBeGreaterThanOrEqual(6);
    expect(documented).toEqual(served);
  });

  it('documents 404 for every route of a group, and 400 and 403 for the failover', () => {
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
    const ofGroup = operations.filter(op => op.route.includes('{group}'));
    const mutating = operations.filter(op => op.method !== 'get');

    expect(mutating.length).toBeGreaterThan(0);
    expect(without('404', ofGroup)).toEqual([]);
    expect(without('400', mutating)).toEqual([]);
    expect(without('403', mutating)).toEqual([]);
  });
});
