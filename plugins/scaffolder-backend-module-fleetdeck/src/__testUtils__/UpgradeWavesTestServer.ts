import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import type {
  DiscoveryService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  serializeError,
} from '@backstage/errors';
import {
  Cluster,
  ClusterRegistration,
  TERMINAL_WAVE_STATUSES,
  WAVE_ACTIONS_ALLOWED_IN,
  Wave,
  WaveStatus,
  clusterRegisterPermission,
  waveCreatePermission,
  waveOverrideOrderPermission,
  waveRollbackPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** A request as the server saw it, with the user its token stood for. */
export interface RecordedRequest {
  method: string;
  path: string;
  user?: string;
  body?: any;
}

const STATUS_BY_ERROR: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

const MAX_SOAK_SECONDS = 7 * 24 * 3600;

/**
 * Plays the upgrade-waves backend's REST routes on 127.0.0.1 for the actions' tests: the same paths,
 * the same on-behalf-of token handling (Backstage's mock tokens, checked for the `upgrade-waves`
 * target), per-user permissions, and Backstage's JSON error bodies.
 */
export class UpgradeWavesTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly waves = new Map<string, Wave>();
  readonly clusters = new Map<string, Cluster>();
  readonly discovery: DiscoveryService;

  private readonly httpAuth = mockServices.httpAuth({
    pluginId: 'upgrade-waves',
    defaultCredentials: mockCredentials.none(),
  });
  private nextWave = 1;

  static async start(options: {
    /** Permission names each user holds. */
    grants: Record<string, string[]>;
    batches: string[];
    waves?: Array<Pick<Wave, 'id' | 'batchId' | 'status'>>;
  }): Promise<UpgradeWavesTestServer> {
    const server = new UpgradeWavesTestServer(options);
    await server.listen();
    return server;
  }

  private server: Server;
  private baseUrl = '';

  private constructor(
    private readonly options: {
      grants: Record<string, string[]>;
      batches: string[];
      waves?: Array<Pick<Wave, 'id' | 'batchId' | 'status'>>;
    },
  ) {
    for (const seed of options.waves ?? []) {
      this.waves.set(
        seed.id,
        this.wave({ ...seed, targetVersion: '1.24.2', createdBy: 'seed' }),
      );
    }
    this.server = createServer((req, res) => this.handle(req, res));
    this.discovery = {
      getBaseUrl: async pluginId => `${this.baseUrl}/api/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${this.baseUrl}/api/${pluginId}`,
    };
  }

  /** Requests to one route, e.g. `POST /waves`. */
  requestsTo(route: string) {
    return this.requests.filter(r => `${r.method} ${r.path}` === route);
  }

  async stop() {
    await new Promise<void>((resolve, reject) =>
      this.server.close(err => (err ? reject(err) : resolve())),
    );
  }

  private async listen() {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').replace(/^\/api\/upgrade-waves/, '');
    const recorded: RecordedRequest = { method: req.method ?? '', path };
    this.requests.push(recorded);
    try {
      recorded.body = await readJson(req);
      const credentials = await this.httpAuth.credentials(
        req as unknown as Parameters<HttpAuthService['credentials']>[0],
        { allow: ['user'] },
      );
      recorded.user = credentials.principal.userEntityRef;
      const [status, body] = this.route(recorded);
      send(res, status, body);
    } catch (error) {
      const err = error as Error;
      const statusCode = STATUS_BY_ERROR[err.name] ?? 500;
      send(res, statusCode, {
        error: serializeError(err),
        request: { method: req.method, url: req.url },
        response: { statusCode },
      });
    }
  }

  private route(request: RecordedRequest): [number, unknown] {
    const { method, path, body, user } = request;
    if (method === 'POST' && path === '/waves') {
      return [201, this.startWave(user!, body)];
    }
    const rollback = path.match(/^\/waves\/([^/]+)\/rollback$/);
    if (method === 'POST' && rollback) {
      return [200, this.rollbackWave(user!, decodeURIComponent(rollback[1]))];
    }
    const [route, query = ''] = path.split('?');
    if (method === 'POST' && route === '/clusters') {
      const dryRun = new URLSearchParams(query).get('dryRun') === 'true';
      return [dryRun ? 200 : 201, this.registerCluster(user!, body, dryRun)];
    }
    throw new NotFoundError(`No route for ${method} ${path}`);
  }

  private authorize(user: string, permission: string) {
    if (!this.options.grants[user]?.includes(permission)) {
      throw new NotAllowedError('Unauthorized');
    }
  }

  private startWave(user: string, body: any): Wave {
    this.authorize(user, waveCreatePermission.name);
    if (typeof body?.batchId !== 'string' || !body.batchId) {
      throw new InputError('batchId is required');
    }
    if (!/^\d+\.\d+\.\d+$/.test(body.targetVersion ?? '')) {
      throw new InputError(
        `targetVersion must be x.y.z, got '${body.targetVersion}'`,
      );
    }
    if (body.soakSeconds !== undefined && body.soakSeconds > MAX_SOAK_SECONDS) {
      throw new InputError(
        `soakSeconds must be at most ${MAX_SOAK_SECONDS}, got ${body.soakSeconds}`,
      );
    }
    if (body.overrideOrder) {
      this.authorize(user, waveOverrideOrderPermission.name);
    }
    if (!this.options.batches.includes(body.batchId)) {
      throw new NotFoundError(`Batch '${body.batchId}' not found`);
    }
    const active = [...this.waves.values()].find(
      w =>
        w.batchId === body.batchId &&
        !TERMINAL_WAVE_STATUSES.includes(w.status),
    );
    if (active) {
      throw new ConflictError(
        `Batch '${body.batchId}' already has wave ${active.id} in ${active.status}`,
      );
    }
    const wave = this.wave({
      id: `wave-${this.nextWave++}`,
      batchId: body.batchId,
      targetVersion: body.targetVersion,
      status: 'PRE_CHECKS',
      createdBy: user,
      soakSeconds: body.soakSeconds,
      orderOverridden: Boolean(body.overrideOrder),
      reason: body.reason,
    });
    this.waves.set(wave.id, wave);
    return wave;
  }

  private rollbackWave(user: string, waveId: string): Wave {
    this.authorize(user, waveRollbackPermission.name);
    const wave = this.waves.get(waveId);
    if (!wave) {
      throw new NotFoundError(`Wave '${waveId}' not found`);
    }
    if (!WAVE_ACTIONS_ALLOWED_IN.rollback.includes(wave.status)) {
      throw new ConflictError(
        `Wave '${waveId}' is ${
          wave.status
        }; it can be rolled back only in ${WAVE_ACTIONS_ALLOWED_IN.rollback.join(
          ', ',
        )}`,
      );
    }
    const rolledBack: Wave = { ...wave, status: 'ROLLING_BACK' };
    this.waves.set(waveId, rolledBack);
    return rolledBack;
  }

  private registerCluster(
    user: string,
    body: ClusterRegistration,
    dryRun: boolean,
  ): Cluster {
    this.authorize(user, clusterRegisterPermission.name);
    // As the backend: Fleetdeck's own fields and anything but a cluster's name in access are refused.
    for (const field of ['status', 'metrics'] as const) {
      if (field in body) {
        throw new InputError(`invalid cluster: ${field}: not from the caller`);
      }
    }
    for (const key of Object.keys(body.access ?? {})) {
      if (key !== 'kubernetesClusterName' && key !== 'kubeconfigContext') {
        throw new InputError(
          `invalid cluster: access.${key}: not a known field`,
        );
      }
    }
    if (!this.options.batches.includes(body.batchId)) {
      throw new InputError(`batchId '${body.batchId}' is not a known batch`);
    }
    const cluster: Cluster = {
      ...body,
      status: this.clusters.get(body.clusterId)?.status ?? 'PENDING',
      updatedAt: new Date().toISOString(),
    };
    if (!dryRun) this.clusters.set(cluster.clusterId, cluster);
    return cluster;
  }

  private wave(
    fields: Pick<Wave, 'id' | 'batchId' | 'targetVersion' | 'createdBy'> & {
      status: WaveStatus;
      soakSeconds?: number;
      orderOverridden?: boolean;
      reason?: string;
    },
  ): Wave {
    const now = new Date().toISOString();
    return {
      previousVersion: '1.23.4',
      paused: false,
      createdAt: now,
      updatedAt: now,
      thresholds: {
        maxErrorRateIncrease: 0.01,
        maxLatencyIncreasePercent: 20,
        minRequestRate: 1,
      },
      mergeRequests: [],
      ...fields,
      soakSeconds: fields.soakSeconds ?? 3600,
      orderOverridden: fields.orderOverridden ?? false,
    };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('Request body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
