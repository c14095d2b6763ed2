import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { sentinelFailoverTriggerPermission } from '@fleetdeck/plugin-sentinel-common';
import {
  authorizeUser,
  notJsonIsBadRequest,
  nulIsBadRequest,
  parseRequest,
} from '@fleetdeck/backend-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SentinelService } from './SentinelService';

/** A failover's reason is kept with its record and shown in the timeline: bounded to stay readable. */
const FAILOVER_REASON_MAX_LENGTH = 500;

const failoverBody = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(FAILOVER_REASON_MAX_LENGTH),
  })
  .strict();

const failoversQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const isoTime = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .transform(value => new Date(value));

const lagQuery = z
  .object({ from: isoTime.optional(), to: isoTime.optional() })
  .refine(q => !q.from || !q.to || q.from <= q.to, {
    message: 'must not be before from',
    path: ['to'],
  });

export interface RouterOptions {
  service: SentinelService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** HTTP only: parse, authorize, call the service. Errors become 400/403/404/409/503 through Backstage's error handler. */
export function createRouter(options: RouterOptions): express.Router {
  const { service, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  // PostgreSQL refuses NUL in text, even in a lookup: a 400 here rather than a 500 there.
  router.use(nulIsBadRequest);

  router.get('/groups', async (_req, res) => {
    res.json(service.listGroups());
  });

  router.get('/groups/:group/topology', async (req, res) => {
    res.json(service.topology(req.params.group));
  });

  router.get('/groups/:group/failovers', async (req, res) => {
    const { limit } = parseRequest(failoversQuery, req.query, 'query');
    res.json(await service.failovers(req.params.group, limit ?? 50));
  });

  router.get('/groups/:group/lag', async (req, res) => {
    const range = parseRequest(lagQuery, req.query, 'query');
    res.json(await service.lagHistory(req.params.group, range));
  });

  router.get('/groups/:group/session-store', async (req, res) => {
    res.json(service.sessionStore(req.params.group));
  });

  router.post('/groups/:group/failover', async (req, res) => {
    const { actor } = await authorizeUser(
      httpAuth,
      permissions,
      req,
      sentinelFailoverTriggerPermission,
    );
    const { reason } = parseRequest(failoverBody, req.body, 'failover request');
    const record = await service.triggerFailover(req.params.group, {
      reason,
      triggeredBy: actor,
    });
    res.status(202).json(record);
  });

  // Bodies that are not JSON get a 400 naming the problem, not a 500.
  router.use(notJsonIsBadRequest);

  return router;
}
