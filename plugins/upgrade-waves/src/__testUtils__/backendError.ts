import { UpgradeWavesClient } from '@fleetdeck/plugin-upgrade-waves-common';

/**
 * The error the real UpgradeWavesClient throws when the backend answers `status` with Backstage's error body, for
 * fakes of the API to reject with.
 */
export async function backendError(
  status: number,
  statusText: string,
  error: { name: string; message: string },
): Promise<Error> {
  const body = JSON.stringify({ error, response: { statusCode: status } });
  const client = new UpgradeWavesClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/upgrade-waves',
    },
    fetchApi: {
      fetch: (async () =>
        ({
          ok: false,
          status,
          statusText,
          url: 'http://localhost:7007/api/upgrade-waves/batches',
          headers: { get: () => 'application/json' },
          text: async () => body,
        } as unknown as Response)) as typeof fetch,
    },
  });
  return client.listBatches().then(
    () => {
      throw new Error('the client accepted an error answer');
    },
    (e: Error) => e,
  );
}
