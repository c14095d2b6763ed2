import { listenOnLoopback } from '../net';
import http from 'node:http';
import { ClusterStore, StoreEvent } from './ClusterStore';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersionOf,
  findType,
  ResourceType,
} from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { badRequest, statusObject, StatusError, UNKNOWN_ROUTE } from './status';
import type { KubeObject } from './types';

export interface KubernetesApiServerOptions {
  store: ClusterStore;
  token: string;
  port?: number;
  /** Kubernetes version reported by `/version`. */
  gitVersion?: string;
  /** How often a watch that asked for bookmarks gets one. The real server sends one about every minute. */
  bookmarkIntervalMs?: number;
}

/** Faults a test can inject into one cluster's API. */
export interface ApiFaults {
  latencyMs: number;
  /** Fraction (0..1) of requests, watches included, answered 500 InternalError. */
  errorRate: number;
  /** When false the server answers every request 503, as an unreachable control plane's load balancer does. */
  available: boolean;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

const MAX_BODY = 3 * 1024 * 1024;

/**
 * A Kubernetes API server for one sandbox cluster, serving the REST routes that `@kubernetes/client-node`,
 * kubectl and `@backstage/plugin-kubernetes-backend` use, with the status codes and Status objects of the real one.
 */
export class KubernetesApiServer {
  readonly faults: ApiFaults = { latencyMs: 0, errorRate: 0, available: true };
  private readonly server: http.Server;
  private readonly openWatches = new Set<http.ServerResponse>();
  private readonly stalledWatches = new WeakSet<http.ServerResponse>();
  private url = '';
  private requests = 0;

  static async start(
    options: KubernetesApiServerOptions,
  ): Promise<KubernetesApiServer> {
    const s = new KubernetesApiServer(options);
    s.url = (await listenOnLoopback(s.server, options.port)).url;
    return s;
  }

  private constructor(private readonly options: KubernetesApiServerOptions) {
    this.server = http.createServer((req, res) => {
      this.requests += 1;
      this.handle(req, res).catch(error => this.fail(res, error));
    });
    this.server.keepAliveTimeout = 5_000;
  }

  get baseUrl(): string {
    return this.url;
  }

  /** Requests received since start, watches and failed ones included (benchmarks count calls with it). */
  get requestCount(): number {
    return this.requests;
  }

  get store(): ClusterStore {
    return this.options.store;
  }

  /** Ends every open watch, as an API server restart or a dropped connection does. */
  dropWatches(): void {
    for (const res of this.openWatches) res.destroy();
    this.openWatches.clear();
  }

  /**
   * Open watches stay connected but send nothing more, no event and no bookmark, as a watch behind a hung proxy
   * or load balancer does; watches opened later are not affected. For testing a client's watchdog.
   */
  stallWatches(): void {
    for (const res of this.openWatches) this.stalledWatches.add(res);
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private send(res: http.ServerResponse, code: number, body: unknown) {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
    });
    res.end(JSON.stringify(body));
  }

  private fail(res: http.ServerResponse, error: unknown) {
    if (error instanceof StatusError) {
      this.send(res, error.code, error.toStatus());
    } else {
      this.send(
        res,
        500,
        statusObject(
          500,
          'InternalError',
          `Internal error occurred: ${String(error)}`,
        ),
      );
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (this.faults.latencyMs > 0) {
      await new Promise(r => setTimeout(r, this.faults.latencyMs));
    }
    if (!this.faults.available) {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('upstream connect error or disconnect/reset before headers');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/readyz' || path === '/livez' || path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.options.token}`) {
      this.send(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (this.faults.errorRate > 0 && Math.random() < this.faults.errorRate) {
      throw new StatusError(
        500,
        'InternalError',
        'Internal error occurred: injected by the sandbox',
      );
    }
    if (path === '/version') {
      const gitVersion = this.options.gitVersion ?? 'v1.32.3';
      const [major, minor] = gitVersion.replace(/^v/, '').split('.');
      this.send(res, 200, {
        major,
        minor,
        gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23.6',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
      return;
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'api' && segments.length === 1) {
      this.send(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          {
            clientCIDR: '0.0.0.0/0',
            serverAddress: this.url.replace('http://', ''),
          },
        ],
      });
      return;
    }
    if (segments[0] === 'apis' && segments.length === 1) {
      this.send(res, 200, apiGroupList());
      return;
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      [group, version, rest] = ['', segments[1], segments.slice(2)];
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      if (segments.length === 2) {
        const g = apiGroup(segments[1]);
        if (g.versions.length === 0) throw UNKNOWN_ROUTE();
        this.send(res, 200, g);
        return;
      }
      [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
    } else {
      throw UNKNOWN_ROUTE();
    }
    if (rest.length === 0) {
      const list = apiResourceList(group, version);
      if (!list || req.method !== 'GET') throw UNKNOWN_ROUTE();
      this.send(res, 200, list);
      return;
    }
    const route = this.route(group, version, rest);
    await this.dispatch(req, res, url, route);
  }

  private route(group: string, version: string, rest: string[]): Route {
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      !(group === '' && rest.length === 3 && rest[2] === 'status')
    ) {
      [namespace, plural, name, sub] = [rest[1], rest[2], rest[3], rest[4]];
      if (rest.length > 5) throw UNKNOWN_ROUTE();
    } else {
      [plural, name, sub] = [rest[0], rest[1], rest[2]];
      if (rest.length > 3) throw UNKNOWN_ROUTE();
    }
    const type = findType(group, version, plural);
    if (!type) throw UNKNOWN_ROUTE();
    if (namespace && !type.namespaced) throw UNKNOWN_ROUTE();
    if (
      sub !== undefined &&
      !(sub === 'status' && type.subresources.includes('status'))
    ) {
      throw UNKNOWN_ROUTE();
    }
    return { type, namespace, name, subresource: sub as 'status' | undefined };
  }

  private async readBody(req: http.IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY)
        throw new StatusError(
          413,
          'RequestEntityTooLarge',
          'Request entity too large: limit is 3145728',
        );
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest(
        `the server rejected our request due to an error in our request: invalid JSON: ${text.slice(
          0,
          80,
        )}`,
      );
    }
  }

  private checkBody(route: Route, body: any): KubeObject {
    const t = route.type;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('the body of the request must be a JSON object');
    }
    if (body.kind && body.kind !== t.kind) {
      throw badRequest(
        `the API version in the data (${
          body.apiVersion
        }) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
    if (body.apiVersion && body.apiVersion !== apiVersionOf(t)) {
      throw badRequest(
        `the API version in the data (${
          body.apiVersion
        }) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
    const bodyNamespace = body.metadata?.namespace;
    if (
      t.namespaced &&
      bodyNamespace &&
      route.namespace &&
      bodyNamespace !== route.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return { ...body, metadata: { ...(body.metadata ?? {}) } };
  }

  private async dispatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    route: Route,
  ) {
    const { type: t, namespace, name } = route;
    const store = this.options.store;
    const q = url.searchParams;
    const method = req.method ?? 'GET';

    if (!name) {
      if (
        method === 'GET' &&
        (q.get('watch') === 'true' || q.get('watch') === '1')
      ) {
        this.watch(req, res, route, q);
        return;
      }
      if (method === 'GET') {
        this.send(res, 200, this.list(route, q));
        return;
      }
      if (method === 'POST') {
        if (route.subresource) throw UNKNOWN_ROUTE();
        const body = this.checkBody(route, await this.readBody(req));
        const ns = t.namespaced
          ? namespace ?? body.metadata.namespace
          : undefined;
        if (q.get('dryRun') === 'All') {
          this.send(res, 201, {
            ...body,
            apiVersion: apiVersionOf(t),
            kind: t.kind,
          });
          return;
        }
        this.send(res, 201, store.create(t, ns, body));
        return;
      }
      if (method === 'DELETE') {
        const selected = this.selectItems(route, q);
        const deleted = selected.map(o =>
          store.delete(t, o.metadata.namespace, o.metadata.name),
        );
        this.send(res, 200, {
          kind: t.listKind,
          apiVersion: apiVersionOf(t),
          metadata: { resourceVersion: String(store.currentRevision) },
          items: deleted,
        });
        return;
      }
      throw new StatusError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }

    switch (method) {
      case 'GET':
        this.send(res, 200, store.get(t, namespace, name));
        return;
      case 'PUT': {
        const body = this.checkBody(route, await this.readBody(req));
        this.send(
          res,
          200,
          store.replace(t, namespace, name, body, route.subresource),
        );
        return;
      }
      case 'PATCH': {
        const contentType = (req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const patch = await this.readBody(req);
        const current = store.get(t, namespace, name);
        let next: KubeObject;
        if (contentType === 'application/merge-patch+json')
          next = mergePatch(current, patch);
        else if (contentType === 'application/strategic-merge-patch+json')
          next = strategicMergePatch(current, patch);
        else if (contentType === 'application/json-patch+json')
          next = jsonPatch(current, patch);
        else {
          throw new StatusError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          );
        }
        // A patch without a resourceVersion applies to the latest object; with one it must match.
        if (
          !(
            patch &&
            typeof patch === 'object' &&
            !Array.isArray(patch) &&
            patch.metadata?.resourceVersion
          )
        ) {
          next.metadata = {
            ...next.metadata,
            resourceVersion: current.metadata.resourceVersion,
          };
        }
        this.send(
          res,
          200,
          store.replace(t, namespace, name, next, route.subresource),
        );
        return;
      }
      case 'DELETE': {
        if (route.subresource)
          throw new StatusError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        this.send(res, 200, store.delete(t, namespace, name));
        return;
      }
      default:
        throw new StatusError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  private selectItems(route: Route, q: URLSearchParams): KubeObject[] {
    const labels = parseLabelSelector(q.get('labelSelector'));
    const fields = parseFieldSelector(q.get('fieldSelector'), route.type.kind);
    return this.options.store
      .list(route.type, route.namespace)
      .filter(o => labels(o.metadata.labels) && fields(o));
  }

  private list(route: Route, q: URLSearchParams) {
    const t = route.type;
    const store = this.options.store;
    let items = this.selectItems(route, q);
    const revision = String(store.currentRevision);
    const cont = q.get('continue');
    if (cont) {
      let start: string;
      try {
        start = JSON.parse(
          Buffer.from(cont, 'base64url').toString('utf8'),
        ).start;
        if (typeof start !== 'string') throw new Error('no start');
      } catch {
        throw badRequest(
          'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
        );
      }
      items = items.filter(
        o => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > start,
      );
    }
    const limitParam = q.get('limit');
    const limit = limitParam ? Number(limitParam) : 0;
    if (limitParam && !(Number.isInteger(limit) && limit >= 0)) {
      throw badRequest(
        `limit must be a non-negative integer, got ${limitParam}`,
      );
    }
    const metadata: Record<string, unknown> = { resourceVersion: revision };
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      metadata.continue = Buffer.from(
        JSON.stringify({
          v: 'meta.k8s.io/v1',
          rv: Number(revision),
          start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
        }),
      ).toString('base64url');
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    // List items carry no kind / apiVersion, as with the real API server.
    const bare = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    return {
      kind: t.listKind,
      apiVersion: apiVersionOf(t),
      metadata,
      items: bare,
    };
  }

  private watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Route,
    q: URLSearchParams,
  ) {
    const t = route.type;
    const labels = parseLabelSelector(q.get('labelSelector'));
    const fields = parseFieldSelector(q.get('fieldSelector'), t.kind);
    const timeoutSeconds = q.get('timeoutSeconds')
      ? Number(q.get('timeoutSeconds'))
      : 1800;
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const write = (obj: unknown) => {
      if (this.stalledWatches.has(res)) return;
      if (!res.writableEnded) res.write(`${JSON.stringify(obj)}\n`);
    };
    let stop: (() => void) | undefined;
    const timers: { bookmark?: NodeJS.Timeout; timeout?: NodeJS.Timeout } = {};
    const finish = () => {
      stop?.();
      clearInterval(timers.bookmark);
      clearTimeout(timers.timeout);
      this.openWatches.delete(res);
      if (!res.writableEnded) res.end();
    };
    const selected = (o: KubeObject) => labels(o.metadata.labels) && fields(o);
    // A change that moves an object into or out of a selective watch reads as ADDED / DELETED, as it does on
    // the real server.
    const send = (e: StoreEvent) => {
      const now = selected(e.object);
      const before =
        e.type === 'MODIFIED' && e.previous
          ? selected(e.previous)
          : e.type !== 'ADDED';
      let type: string | undefined;
      if (e.type === 'ADDED') type = now ? 'ADDED' : undefined;
      else if (e.type === 'DELETED') type = now ? 'DELETED' : undefined;
      else if (now) type = before ? 'MODIFIED' : 'ADDED';
      else type = before ? 'DELETED' : undefined;
      if (type) write({ type, object: e.object });
    };
    this.openWatches.add(res);
    try {
      stop = this.options.store.watch(
        { resourceType: t, namespace: route.namespace, send },
        q.get('resourceVersion') ?? undefined,
      );
    } catch (error) {
      if (error instanceof StatusError) {
        // As the real server does: HTTP 200, then one ERROR event carrying the Status (410 Expired here).
        write({ type: 'ERROR', object: error.toStatus() });
        finish();
        return;
      }
      throw error;
    }
    timers.bookmark = setInterval(() => {
      if (bookmarks) {
        write({
          type: 'BOOKMARK',
          object: {
            kind: t.kind,
            apiVersion: apiVersionOf(t),
            metadata: {
              resourceVersion: String(this.options.store.currentRevision),
            },
          },
        });
      }
    }, this.options.bookmarkIntervalMs ?? 5_000);
    timers.timeout = setTimeout(finish, Math.max(0, timeoutSeconds) * 1000);
    req.on('close', finish);
  }
}
