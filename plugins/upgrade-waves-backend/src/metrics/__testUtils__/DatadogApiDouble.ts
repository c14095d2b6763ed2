import { listenOnLoopback } from '@fleetdeck/sandbox';
import http from 'node:http';

/** A monitor as the double stores it; `groups` maps a group name to its status (`Alert`, `OK`, …). */
export interface MonitorFixture {
  id: number;
  name: string;
  overall_state:
    | 'Alert'
    | 'Warn'
    | 'No Data'
    | 'OK'
    | 'Ignored'
    | 'Skipped'
    | 'Unknown';
  tags: string[];
  message?: string;
  priority?: number | null;
  overall_state_modified?: string;
  groups?: Record<string, string>;
}

/** One series of a scripted answer to `GET /api/v1/query`. */
export interface SeriesFixture {
  scope: string;
  pointlist: Array<[number, number | null]>;
}

export interface RecordedRequest {
  path: string;
  params: URLSearchParams;
  apiKey?: string;
  appKey?: string;
}

/**
 * A stand-in for the Datadog API (an external SaaS that cannot run here) on 127.0.0.1, answering the two v1
 * routes the upgrade waves use in the shapes Datadog documents: `GET /api/v1/monitor` (filtered by
 * `monitor_tags`, with `state.groups` per `group_states`) and `GET /api/v1/query`. Requests without both keys
 * get Datadog's 403.
 */
export class DatadogApiDouble {
  readonly requests: RecordedRequest[] = [];
  monitors: MonitorFixture[] = [];
  /** Series answered per exact query string; an unknown query answers no series. */
  readonly series = new Map<string, SeriesFixture[]>();

  static async start(keys: {
    apiKey: string;
    appKey: string;
  }): Promise<DatadogApiDouble> {
    const server = http.createServer();
    const { url } = await listenOnLoopback(server);
    return new DatadogApiDouble(server, url, keys);
  }

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly keys: { apiKey: string; appKey: string },
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close(error => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const request: RecordedRequest = {
      path: url.pathname,
      params: url.searchParams,
      apiKey: header('dd-api-key'),
      appKey: header('dd-application-key'),
    };
    this.requests.push(request);

    if (
      request.apiKey !== this.keys.apiKey ||
      request.appKey !== this.keys.appKey
    ) {
      send(res, 403, { errors: ['Forbidden'] });
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, { errors: ['Method Not Allowed'] });
      return;
    }
    switch (url.pathname) {
      case '/api/v1/monitor':
        send(res, 200, this.listMonitors(url.searchParams));
        return;
      case '/api/v1/query':
        this.query(url.searchParams, res);
        return;
      default:
        send(res, 404, { errors: ['Not found'] });
    }
  }

  private listMonitors(params: URLSearchParams) {
    const wanted = splitList(params.get('monitor_tags'));
    const groupStates = splitList(params.get('group_states')).map(s =>
      s.toLowerCase(),
    );
    return this.monitors
      .filter(monitor => wanted.every(tag => monitor.tags.includes(tag)))
      .map(monitor => ({
        id: monitor.id,
        name: monitor.name,
        type: 'query alert',
        query: `avg(last_5m):avg:istio.mesh.request.count.total{*} > 1000`,
        message: monitor.message ?? '',
        tags: monitor.tags,
        priority: monitor.priority ?? null,
        overall_state: monitor.overall_state,
        overall_state_modified:
          monitor.overall_state_modified ?? '2024-01-01T00:00:00+00:00',
        options: { notify_no_data: false },
        state: {
          groups: Object.fromEntries(
            Object.entries(monitor.groups ?? {})
              .filter(
                ([, status]) =>
                  groupStates.includes('all') ||
                  groupStates.includes(status.toLowerCase()),
              )
              .map(([name, status]) => [
                name,
                { name, status, last_triggered_ts: 1704067200 },
              ]),
          ),
        },
      }));
  }

  private query(params: URLSearchParams, res: http.ServerResponse) {
    for (const name of ['from', 'to', 'query']) {
      if (!params.get(name)) {
        send(res, 400, {
          errors: [`Missing required parameter '${name}'`],
        });
        return;
      }
    }
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    const query = params.get('query')!;
    send(res, 200, {
      status: 'ok',
      res_type: 'time_series',
      resp_version: 1,
      query,
      message: '',
      from_date: from * 1000,
      to_date: to * 1000,
      group_by: [],
      series: (this.series.get(query) ?? []).map((series, index) => ({
        metric: query,
        display_name: query,
        expression: query,
        scope: series.scope,
        tag_set: series.scope.split(','),
        pointlist: series.pointlist,
        start: series.pointlist[0]?.[0] ?? from * 1000,
        end: series.pointlist[series.pointlist.length - 1]?.[0] ?? to * 1000,
        interval: 20,
        length: series.pointlist.length,
        aggr: null,
        unit: null,
        query_index: index,
      })),
    });
  }
}

function splitList(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
