import { ResponseError } from '@backstage/errors';
import { explainRefusal } from './errors';

async function refusal(statusCode: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'POST', url: '/waves' },
        response: { statusCode },
      }),
      { status: statusCode, headers: { 'content-type': 'application/json' } },
    ),
  );
}

const call = {
  doing: "start an upgrade of batch 'dev-wave-1' to Istio 1.24.2",
  permissions: ['upgrade-waves.wave.create'],
};

describe('explainRefusal', () => {
  it('keeps the backend message as the cause of the mapped error', async () => {
    const error = explainRefusal(
      await refusal(400, 'InputError', 'targetVersion must be x.y.z'),
      call,
    );
    expect(error).toMatchObject({
      name: 'InputError',
      message:
        "Could not start an upgrade of batch 'dev-wave-1' to Istio 1.24.2: invalid input; caused by InputError: targetVersion must be x.y.z",
      cause: { message: 'targetVersion must be x.y.z' },
    });
  });

  it('passes other failures through unchanged', async () => {
    const unavailable = await refusal(503, 'ServiceUnavailableError', 'down');
    expect(explainRefusal(unavailable, call)).toBe(unavailable);
    const unauthenticated = await refusal(401, 'AuthenticationError', 'no');
    expect(explainRefusal(unauthenticated, call)).toBe(unauthenticated);
    const network = new TypeError('fetch failed');
    expect(explainRefusal(network, call)).toBe(network);
  });
});
