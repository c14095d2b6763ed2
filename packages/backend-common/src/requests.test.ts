import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { actorOf, parseRequest } from './requests';

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
