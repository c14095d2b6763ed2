import { PluginRequester } from '@fleetdeck/common';

/**
 * The error Fleetdeck's REST clients throw when a backend answers `status` with Backstage's error body, for fakes
 * of their APIs to reject with (every client makes its requests through the same PluginRequester).
 */
export async function backendError(
  status: number,
  statusText: string,
  error: { name: string; message: string },
): Promise<Error> {
  const body = JSON.stringify({ error, response: { statusCode: status } });
  const requester = new PluginRequester('fleetdeck', {
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/fleetdeck',
    },
    fetchApi: {
      fetch: (async () =>
        ({
          ok: false,
          status,
          statusText,
          url: 'http://localhost:7007/api/fleetdeck/resource',
          headers: { get: () => 'application/json' },
          text: async () => body,
        } as unknown as Response)) as typeof fetch,
    },
  });
  return requester.request('GET', '/resource').then(
    () => {
      throw new Error('the client accepted an error answer');
    },
    (e: Error) => e,
  );
}
