import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  authorizeUser,
  notJsonIsBadRequest,
  nulIsBadRequest,
  parseRequest,
} from '@fleetdeck/backend-common';
import { warmPoolsPodTerminatePermission } from '@fleetdeck/plugin-warm-pools-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { WarmPoolsService } from './WarmPoolsService';

const isoTime = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .transform(value => new Date(value));

const historyQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
});

/** The client sends `{}`; nothing else is accepted, so a misspelt option is a 400 and not ignored. */
const terminateBody = z.object({}).strict();

const POOL = '/pools/:cluster/:namespace/:pool';

export interface RouterOptions {
  service: WarmPoolsService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

function poolOf(params: Record<string, string>) {
  return {
    cluster: params.cluster,
    namespace: params.namespace,
    pool: params.pool,
  };
}

/** HTTP only: parse, authorize, call the service. Errors become 400/403/404/503 through Backstage's error handler. */
export function createRouter(options: RouterOptions): express.Router {
  const { service, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  // PostgreSQL refuses NUL in text, even in a lookup: a 400 here rather than a 500 there.
  router.use(nulIsBadRequest);

  router.get('/pools', async (_req, res) => {
    res.json({ pools: service.listPools() });
  });

  router.get(POOL, async (req, res) => {
    res.json(service.getPool(poolOf(req.params)));
  });

  router.get(`${POOL}/pods`, async (req, res) => {
    res.json({ pods: service.listPods(poolOf(req.params)) });
  });

  router.get(`${POOL}/history`, async (req, res) => {
    const range = parseRequest(historyQuery, req.query, 'query');
    res.json(await service.history(poolOf(req.params), range));
  });

  router.post(`${POOL}/pods/:pod/terminate`, async (req, res) => {
    const { actor } = await authorizeUser(
      httpAuth,
      permissions,
      req,
      warmPoolsPodTerminatePermission,
    );
    parseRequest(terminateBody, req.body, 'terminate request');
    const result = await service.terminatePod(
      poolOf(req.params),
      req.params.pod,
      actor,
    );
    res.status(202).json(result);
  });

  // Bodies that are not JSON get a 400 naming the problem, not a 500.
  router.use(notJsonIsBadRequest);

  return router;
}
