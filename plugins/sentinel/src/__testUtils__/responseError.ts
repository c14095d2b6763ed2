import { ResponseError } from '@backstage/errors';

/** The error SentinelClient throws for a backend answer with this status and error body. */
export function responseError(
  status: number,
  statusText: string,
  error: { name: string; message: string },
): Promise<ResponseError> {
  const headers = new Map([['content-type', 'application/json']]);
  return ResponseError.fromResponse({
    ok: false,
    redirected: false,
    status,
    statusText,
    type: 'basic',
    url: 'http://localhost:7007/api/sentinel',
    headers: {
      get: (name: string) =>
        headers.get(name.toLocaleLowerCase('en-US')) ?? null,
    } as unknown as ResponseError['response']['headers'],
    text: async () =>
      JSON.stringify({ error, response: { statusCode: status } }),
  });
}
