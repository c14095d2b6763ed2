import { ResponseError } from '@backstage/errors';

/**
 * How a Fleetdeck REST client reaches its plugin's backend: from the browser (discovery + the app's fetchApi, which
 * adds the user's token) or from a backend (discovery, plain fetch and a token getter).
 *
 * @public
 */
export interface PluginClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
  /** For backend callers: the bearer token to send (a user's on-behalf-of token or a service token). */
  getToken?: () => Promise<string | undefined>;
}

/**
 * JSON requests to one plugin's backend. A response that is not 2xx becomes a `ResponseError` carrying the
 * backend's error body, so callers can show the backend's own message.
 *
 * @public
 */
export class PluginRequester {
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly pluginId: string,
    private readonly options: PluginClientOptions,
  ) {
    this.fetchFn = options.fetchApi?.fetch ?? fetch;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl(this.pluginId);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = await this.options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
