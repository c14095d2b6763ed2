import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import type { SentinelService } from '../service/SentinelService';

/** `/groups/:group` → `/groups/{group}`, as OpenAPI writes path parameters. */
const toOpenApiPath = (route: string) => route.replace(/:(\w+)/g, '{$1}');

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
  const served = (router as any).stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods).map(
        method => `${method.toUpperCase()} ${toOpenApiPath(layer.route.path)}`,
      ),
    )
    .sort();
  const documented = Object.entries(document.paths as Record<string, object>)
    .flatMap(([route, operations]) =>
      Object.keys(operations).map(method => `${method.toUpperCase()} ${route}`),
    )
    .sort();

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
