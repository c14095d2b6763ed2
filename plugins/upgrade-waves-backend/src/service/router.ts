import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  BATCH_ID_MAX_LENGTH,
  CLUSTER_ID_MAX_LENGTH,
  clusterRegisterPermission,
  ISTIO_VERSION_MAX_LENGTH,
  WAVE_COMMENT_MAX_LENGTH,
  waveApprovePermission,
  waveCreatePermission,
  waveOverrideOrderPermission,
  wavePausePermission,
  waveRollbackPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  authorizeUser,
  notJsonIsBadRequest,
  nulIsBadRequest,
  parseRequest,
} from '@fleetdeck/backend-common';
import { parseEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ISTIO_VERSION_PATTERN } from '../registry/registrationSchema';
import {
  clusterRegistrationRequestSchema,
  registrationQuerySchema,
} from '../registry/registrationRequestSchema';
import { UpgradeWavesService } from './UpgradeWavesService';

const versionSchema = z
  .string()
  .max(ISTIO_VERSION_MAX_LENGTH)
  .regex(ISTIO_VERSION_PATTERN, 'must be a version like 1.23.0');
const batchIdSchema = z.string().min(1).max(BATCH_ID_MAX_LENGTH);
const commentSchema = z.string().max(WAVE_COMMENT_MAX_LENGTH);

const startWaveSchema = z
  .object({
    batchId: batchIdSchema,
    targetVersion: versionSchema,
    soakSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
    overrideOrder: z.boolean().optional(),
    reason: commentSchema.optional(),
  })
  .strict();

const requiredComment = z
  .object({ comment: commentSchema.trim().min(1, 'is required') })
  .strict();
const optionalComment = z
  .object({ comment: commentSchema.optional() })
  .strict();

const listWavesQuery = z.object({
  batchId: z.string().max(BATCH_ID_MAX_LENGTH).optional(),
  clusterId: z.string().max(CLUSTER_ID_MAX_LENGTH).optional(),
});

const componentWavesQuery = z.object({
  entityRef: z
    .string()
    .refine(
      isComponentRef,
      'must be a Component entity ref like component:default/cart',
    ),
});

const prerequisiteQuery = z.object({ targetVersion: versionSchema });

function isComponentRef(ref: string): boolean {
  try {
    return parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'component';
  } catch {
    return false;
  }
}

export interface RouterOptions {
  service: UpgradeWavesService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** HTTP only: parse, authorize, call the service. Errors become 400/403/404/409 through Backstage's error handler. */
export function createRouter(options: RouterOptions): express.Router {
  const { service, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  // PostgreSQL refuses NUL in text, even in a lookup: a 400 here rather than a 500 there.
  router.use(nulIsBadRequest);

  const authorize = (req: express.Request, permission: BasicPermission) =>
    authorizeUser(httpAuth, permissions, req, permission);

  async function allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  router.get('/clusters', async (_req, res) => {
    res.json(await service.listClusters());
  });

  router.get('/clusters/:clusterId', async (req, res) => {
    res.json(await service.getCluster(req.params.clusterId));
  });

  router.post('/clusters', async (req, res) => {
    await authorize(req, clusterRegisterPermission);
    const registration = parseRequest(
      clusterRegistrationRequestSchema,
      req.body,
      'cluster',
    );
    // ?dryRun=true: the permission and the registration checked, nothing stored (as Kubernetes' dryRun)
    const { dryRun } = parseRequest(
      registrationQuerySchema,
      req.query,
      'query',
    );
    const cluster = await service.registerCluster(registration, { dryRun });
    res.status(dryRun ? 200 : 201).json(cluster);
  });

  router.get('/batches', async (_req, res) => {
    res.json(await service.listBatches());
  });

  router.get('/batches/:batchId/prerequisite', async (req, res) => {
    const { targetVersion } = parseRequest(
      prerequisiteQuery,
      req.query,
      'query',
    );
    res.json(await service.prerequisite(req.params.batchId, targetVersion));
  });

  router.get('/waves', async (req, res) => {
    res.json(
      await service.listWaves(parseRequest(listWavesQuery, req.query, 'query')),
    );
  });

  router.get('/waves/:waveId', async (req, res) => {
    res.json(await service.getWave(req.params.waveId));
  });

  router.get('/waves/:waveId/blast-radius', async (req, res) => {
    res.json(await service.blastRadius(req.params.waveId));
  });

  router.get('/components/waves', async (req, res) => {
    const { entityRef } = parseRequest(componentWavesQuery, req.query, 'query');
    res.json(await service.componentWaves(entityRef));
  });

  router.post('/waves', async (req, res) => {
    const { credentials, actor } = await authorize(req, waveCreatePermission);
    const body = parseRequest(startWaveSchema, req.body, 'wave');
    const mayOverride = body.overrideOrder
      ? await allowed(credentials, waveOverrideOrderPermission)
      : false;
    res.status(201).json(await service.startWave(body, actor, mayOverride));
  });

  router.post('/waves/:waveId/approve', async (req, res) => {
    const { actor } = await authorize(req, waveApprovePermission);
    const { comment } = parseRequest(requiredComment, req.body, 'approval');
    res.json(await service.approve(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/reject', async (req, res) => {
    const { actor } = await authorize(req, waveApprovePermission);
    const { comment } = parseRequest(requiredComment, req.body, 'rejection');
    res.json(await service.reject(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/pause', async (req, res) => {
    const { actor } = await authorize(req, wavePausePermission);
    const { comment } = parseRequest(optionalComment, req.body, 'request');
    res.json(await service.pause(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/resume', async (req, res) => {
    const { actor } = await authorize(req, wavePausePermission);
    const { comment } = parseRequest(optionalComment, req.body, 'request');
    res.json(await service.resume(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/cancel', async (req, res) => {
    const { actor } = await authorize(req, wavePausePermission);
    const { comment } = parseRequest(optionalComment, req.body, 'request');
    res.json(await service.cancel(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/retry', async (req, res) => {
    const { actor } = await authorize(req, wavePausePermission);
    const { comment } = parseRequest(optionalComment, req.body, 'request');
    res.json(await service.retry(req.params.waveId, actor, comment));
  });

  router.post('/waves/:waveId/rollback', async (req, res) => {
    const { actor } = await authorize(req, waveRollbackPermission);
    const { comment } = parseRequest(optionalComment, req.body, 'request');
    res.json(await service.rollback(req.params.waveId, actor, comment));
  });

  // Bodies that are not JSON get a 400 naming the problem, not a 500.
  router.use(notJsonIsBadRequest);

  return router;
}
