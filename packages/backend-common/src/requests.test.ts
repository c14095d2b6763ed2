import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { actorOf, nulIsBadRequest, parseRequest } from './requests';

describe('parseRequest', () => {
  const schema = z
    .object({ name: z.string().min(1), size: z.number().int().optional() })
    .strict();

  it('gives back the parsed value', () => {
    expect(parseRequest(schema, { name: 'a', size: 2 }, 'pool')).toEqual({
      name: 'a',
      size: 2,
    });
  });

  it('names every bad field, and unknown ones, in one InputError', () => {
    expect(() =>
      parseRequest(schema, { size: 1.5, colour: 'red' }, 'pool'),
    ).toThrow(InputError);
    expect(() => parseRequest(schema, { size: 1.5 }, 'pool')).toThrow(
      /invalid pool: name: Required; size: Expected integer/,
    );
    expect(() =>
      parseRequest(schema, { name: 'a', colour: 'red' }, 'pool'),
    ).toThrow(/colour: not a known field/);
  });

  it('treats a missing body as empty', () => {
    expect(() => parseRequest(schema, undefined, 'pool')).toThrow(
      /name: Required/,
    );
  });
});

describe('actorOf', () => {
  it('names users by their entity ref and services by their subject', () => {
    expect(actorOf(mockCredentials.user('user:default/ada'))).toBe(
      'user:default/ada',
    );
    expect(actorOf(mockCredentials.service('plugin:catalog'))).toBe(
      'service:plugin:catalog',
    );
  });
});

describe('nulIsBadRequest', () => {
  const run = (req: { originalUrl: string; body?: unknown }) => {
    const next = jest.fn();
    nulIsBadRequest(req, undefined, next);
    return next.mock.calls[0][0];
  };

  it('passes requests without NUL on', () => {
    expect(
      run({ originalUrl: '/api/x/waves/a%20b?q=1', body: { a: ['b'] } }),
    ).toBeUndefined();
  });

  it('refuses NUL in the path or the query', () => {
    expect(run({ originalUrl: '/api/x/waves/%00' })).toEqual(
      new InputError('path or query: must not contain a NUL character'),
    );
    expect(run({ originalUrl: '/api/x/waves?batchId=a%00' })).toBeInstanceOf(
      InputError,
    );
  });

  it('names the body field that holds a NUL, however deep', () => {
    expect(
      run({
        originalUrl: '/api/x/clusters',
        body: { gitops: { paths: ['a.yaml', 'b\u0000.yaml'] } },
      }).message,
    ).toBe('gitops.paths.1: must not contain a NUL character');
    expect(run({ originalUrl: '/', body: 'a\u0000' }).message).toBe(
      'body: must not contain a NUL character',
    );
    let deep: unknown = ['\u0000'];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(run({ originalUrl: '/', body: deep })).toBeInstanceOf(InputError);
  });
});
