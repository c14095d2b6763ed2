import { NotFoundError, ResponseError } from '@backstage/errors';
import { describeError, isNotFound } from './errors';

/** The error a Backstage API client throws for a backend answer with this status and Backstage's error body. */
function responseError(
  status: number,
  statusText: string,
  error: { name: string; message: string },
): Promise<ResponseError> {
  const body = JSON.stringify({ error, response: { statusCode: status } });
  return ResponseError.fromResponse(
    new Response(body, {
      status,
      statusText,
      headers: { 'content-type': 'application/json' },
    }),
  );
}

describe('describeError', () => {
  it('adds the backend’s own message to a response error', async () => {
    const error = await responseError(409, 'Conflict', {
      name: 'ConflictError',
      message: 'a failover is already running',
    });

    expect(describeError(error)).toBe(
      'Request failed with 409 Conflict: a failover is already running',
    );
  });

  it('says any other error’s message as it is', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toBe(
      'Failed to fetch',
    );
  });
});

describe('isNotFound', () => {
  it('is true for a 404 answer and a NotFoundError', async () => {
    const answer = await responseError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no such thing',
    });

    expect(isNotFound(answer)).toBe(true);
    expect(isNotFound(new NotFoundError('no such thing'))).toBe(true);
  });

  it('is false for other answers, other errors and no error', async () => {
    const answer = await responseError(500, 'Internal Server Error', {
      name: 'Error',
      message: 'boom',
    });

    expect(isNotFound(answer)).toBe(false);
    expect(isNotFound(new Error('Failed to fetch'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });
});
