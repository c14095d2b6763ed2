import { ResponseError } from '@backstage/errors';
import { PluginRequester } from './PluginRequester';

function fetchAnswering(status: number, body: unknown) {
  return jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
}

const discoveryApi = {
  getBaseUrl: async (pluginId: string) => `http://backend/api/${pluginId}`,
};

describe('PluginRequester', () => {
  it('sends JSON to the plugin the discovery names, with the token when there is one', async () => {
    const fetch = fetchAnswering(201, { id: 'w1' });
    const requester = new PluginRequester('upgrade-waves', {
      discoveryApi,
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
      getToken: async () => 'token-1',
    });

    await expect(
      requester.request('POST', '/waves', { batchId: 'test' }),
    ).resolves.toEqual({ id: 'w1' });

    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/upgrade-waves/waves',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer token-1',
        },
        body: '{"batchId":"test"}',
      },
    );
  });

  it('sends no body and no authorization of its own from the browser', async () => {
    const fetch = fetchAnswering(200, []);
    const requester = new PluginRequester('sentinel', {
      discoveryApi,
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    });

    await requester.request('GET', '/groups');

    expect(fetch).toHaveBeenCalledWith('http://backend/api/sentinel/groups', {
      method: 'GET',
      headers: {},
      body: undefined,
    });
  });

  it("turns an error answer into a ResponseError that carries the backend's message", async () => {
    const requester = new PluginRequester('warm-pools', {
      discoveryApi,
      fetchApi: {
        fetch: fetchAnswering(409, {
          error: { name: 'ConflictError', message: 'already terminating' },
          request: { method: 'POST', url: '/x' },
          response: { statusCode: 409 },
        }) as unknown as typeof globalThis.fetch,
      },
    });

    const error = await requester
      .request('POST', '/x', {})
      .catch((e: ResponseError) => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(409);
    expect((error as ResponseError).cause.message).toBe('already terminating');
  });
});
