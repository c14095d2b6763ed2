import fc from 'fast-check';
import type { OpenApiDocument } from './openApi';

/** A JSON schema as OpenAPI 3.0 writes it, as far as the generators below read it. */
interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

/** One operation of an OpenAPI document, with its references resolved. */
export interface FuzzedOperation {
  /** `POST /waves/{waveId}/approve` */
  route: string;
  method: string;
  path: string;
  pathParameters: Parameter[];
  queryParameters: Parameter[];
  body?: Schema;
}

/** A request the fuzzer sent, and what it got back. */
export interface FuzzedRequest {
  method: string;
  /** The path and query as sent, relative to the base URL. */
  url: string;
  /** The body as sent (JSON text, or text that is not JSON on purpose). */
  body?: string;
}

export interface RouteFuzzOptions {
  /** The plugin's OpenAPI document: every operation it describes gets requests. */
  document: OpenApiDocument;
  /** The plugin's routes, e.g. `http://127.0.0.1:7007/api/upgrade-waves`. */
  baseUrl: string;
  /** The `authorization` header of every request: a user who is allowed everything. */
  authorization: string;
  /**
   * Values that name what exists or pass a pattern, by parameter or property name (`waveId`, `targetVersion`,
   * `owners`), so that some requests get past lookups and validation and reach the store with one odd field.
   */
  known?: Record<string, unknown[]>;
  /** Requests per operation; the default, 12, keeps a plugin of 15 routes around 180 requests. */
  runsPerRoute?: number;
  /** The seed; by default `FUZZ_SEED` from the environment, or a random one. Printed on failure. */
  seed?: number;
}

export interface RouteFuzzResult {
  seed: number;
  /** How many answers of each status every route gave, e.g. `{ 'POST /waves': { 400: 9, 201: 3 } }`. */
  statuses: Record<string, Record<number, number>>;
}

const ODD_PATH_SEGMENTS = ['%', '%zz', '%E0%A4%A', '..', '.', '%2F', '%00', ''];

/**
 * Sends generated requests to every operation of an OpenAPI document — long, unicode and odd strings, wrong types,
 * extra fields, huge numbers, bodies that are not JSON, odd path parameters — and fails on the first answer of 500
 * or above, naming the seed and the request. Bad input must get a 4xx; a 5xx is a bug.
 */
export async function fuzzRoutes(
  options: RouteFuzzOptions,
): Promise<RouteFuzzResult> {
  const seed =
    options.seed ??
    (process.env.FUZZ_SEED
      ? Number(process.env.FUZZ_SEED)
      : Math.floor(Math.random() * 2 ** 31));
  const statuses: RouteFuzzResult['statuses'] = {};
  const operations = fuzzedOperations(options.document);
  for (const [index, operation] of operations.entries()) {
    const tally: Record<number, number> = (statuses[operation.route] = {});
    const requests = requestOf(operation, options.known ?? {});
    await fc
      .assert(
        fc.asyncProperty(requests, async request => {
          const status = await send(options, request);
          tally[status.code] = (tally[status.code] ?? 0) + 1;
          if (status.code >= 500) {
            throw new Error(
              `${request.method} ${request.url}${
                request.body === undefined
                  ? ''
                  : ` with body ${request.body.slice(0, 500)}${
                      request.body.length > 500
                        ? `… (${request.body.length} characters)`
                        : ''
                    }`
              } answered ${status.code}: ${status.text.slice(0, 2000)}`,
            );
          }
        }),
        {
          numRuns: options.runsPerRoute ?? 12,
          seed: seed + index,
          // Each run is a request to a live backend: report the first failure as it is, without shrinking it.
          endOnFailure: true,
          includeErrorInReport: true,
        },
      )
      .catch(error => {
        throw new Error(
          `${operation.route}: a 5xx (fuzz seed ${seed}; rerun with FUZZ_SEED=${seed}):\n${error.message}`,
        );
      });
  }
  return { seed, statuses };
}

async function send(
  options: RouteFuzzOptions,
  request: FuzzedRequest,
): Promise<{ code: number; text: string }> {
  const headers: Record<string, string> = {
    authorization: options.authorization,
  };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${options.baseUrl}${request.url}`, {
    method: request.method,
    headers,
    body: request.body,
  });
  return { code: response.status, text: await response.text() };
}

/** The operations of a document with their parameters and body schema, references resolved. */
export function fuzzedOperations(document: OpenApiDocument): FuzzedOperation[] {
  const resolve = <T>(value: T): T => {
    let current: any = value;
    while (current && typeof current === 'object' && current.$ref) {
      current = String(current.$ref)
        .replace(/^#\//, '')
        .split('/')
        .reduce((node: any, key) => node?.[key], document);
    }
    return current;
  };
  const schemaOf = (schema: Schema | undefined): Schema | undefined => {
    const resolved = resolve(schema);
    if (!resolved?.allOf) return resolved;
    // allOf of objects: one object with every part's properties.
    const parts = resolved.allOf.map(part => schemaOf(part) ?? {});
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map(p => p.properties ?? {})),
      required: parts.flatMap(p => p.required ?? []),
    };
  };
  const deep = (schema: Schema | undefined): Schema | undefined => {
    const resolved = schemaOf(schema);
    if (!resolved) return undefined;
    return {
      ...resolved,
      properties: resolved.properties
        ? Object.fromEntries(
            Object.entries(resolved.properties).map(([k, v]) => [k, deep(v)!]),
          )
        : undefined,
      items: resolved.items ? deep(resolved.items) : undefined,
    };
  };
  return Object.entries(document.paths).flatMap(([path, pathItem]) => {
    const shared = ((pathItem as any).parameters ?? []) as Parameter[];
    return Object.entries(pathItem)
      .filter(([method]) =>
        ['get', 'put', 'post', 'delete', 'patch'].includes(method),
      )
      .map(([method, operation]: [string, any]) => {
        const parameters = [...shared, ...(operation.parameters ?? [])].map(
          p => {
            const resolved = resolve(p) as Parameter;
            return { ...resolved, schema: deep(resolved.schema) };
          },
        );
        const requestBody = resolve(operation.requestBody);
        return {
          route: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParameters: parameters.filter(p => p.in === 'path'),
          queryParameters: parameters.filter(p => p.in === 'query'),
          body: deep(requestBody?.content?.['application/json']?.schema),
        };
      });
  });
}

/** Odd values of any JSON type: what a careless or hostile client sends where a field is expected. */
function oddValue(): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    // Longer than a varchar(255), or much longer.
    fc.integer({ min: 256, max: 5000 }).map(n => 'x'.repeat(n)),
    fc.string({ minLength: 256, maxLength: 600, unit: 'grapheme' }),
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '../../etc/passwd',
      "'; drop table x; --",
      '%s%n',
      '1.2.3',
      'user:default/ada',
      '💥'.repeat(300),
      '9'.repeat(400),
      '2026-13-45T25:61:61Z',
      '+275760-09-13T00:00:00.000Z',
    ),
    fc.constantFrom(
      0,
      -1,
      1.5,
      -0,
      2 ** 31,
      2 ** 53 + 2,
      1e308,
      -1e308,
      Number.MAX_SAFE_INTEGER,
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), leaf, {
        maxKeys: 3,
      }),
    },
  );
}

/** A value the schema allows (or a known one for the name), so that other fields can be the odd ones. */
function validValue(
  schema: Schema | undefined,
  name: string | undefined,
  known: Record<string, unknown[]>,
): fc.Arbitrary<unknown> {
  if (name && known[name]?.length) return fc.constantFrom(...known[name]);
  if (!schema) return fc.string({ maxLength: 12 });
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? 0,
        max: schema.maximum ?? 1000,
      });
    case 'number':
      return fc.double({
        min: schema.minimum ?? 0,
        max: schema.maximum ?? 1000,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items, undefined, known), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, 3),
      });
    case 'object':
      return validObject(schema, known);
    default:
      if (schema.format === 'date-time') {
        return fc
          .date({
            min: new Date('2020-01-01T00:00:00Z'),
            max: new Date('2030-01-01T00:00:00Z'),
            noInvalidDate: true,
          })
          .map(d => d.toISOString());
      }
      return fc.string({
        minLength: Math.max(schema.minLength ?? 1, 1),
        maxLength: Math.min(schema.maxLength ?? 20, 20),
      });
  }
}

function validObject(
  schema: Schema,
  known: Record<string, unknown[]>,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(properties).map(([key, property]) =>
    fc
      .tuple(
        fc.constant(key),
        required.has(key) ? fc.constant(true) : fc.boolean(),
        validValue(property, key, known),
      )
      .map(([k, present, value]) => (present ? [[k, value]] : [])),
  );
  return fc
    .tuple(...entries)
    .map(pairs => Object.fromEntries(pairs.flat() as Array<[string, unknown]>));
}

/** Every place in a JSON value that holds a value, as paths of keys and indexes. */
function leafPaths(value: unknown, prefix: Array<string | number> = []) {
  const paths: Array<Array<string | number>> = prefix.length ? [prefix] : [];
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      paths.push(
        ...leafPaths(child, [...prefix, Array.isArray(value) ? +key : key]),
      );
    }
  }
  return paths;
}

function replaceAt(
  value: unknown,
  path: Array<string | number>,
  replacement: unknown,
): unknown {
  if (!path.length) return replacement;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as any) };
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

/** A body for a schema: valid but for one odd field, any mix of odd and missing fields with extras, or not an object at all. */
function bodyOf(
  schema: Schema | undefined,
  known: Record<string, unknown[]>,
): fc.Arbitrary<string | undefined> {
  const valid = schema
    ? validValue(schema, undefined, known)
    : fc.constant<unknown>({});
  const oneOdd = fc
    .tuple(valid, fc.nat(), oddValue())
    .map(([body, pick, odd]) => {
      const paths = leafPaths(body);
      return paths.length
        ? replaceAt(body, paths[pick % paths.length], odd)
        : odd;
    });
  const mixed = fc
    .tuple(
      valid,
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), oddValue(), {
        maxKeys: 2,
      }),
      fc.array(fc.tuple(fc.nat(), oddValue(), fc.boolean()), { maxLength: 3 }),
    )
    .map(([body, extra, changes]) => {
      let result = body;
      for (const [pick, odd, remove] of changes) {
        const paths = leafPaths(result);
        if (!paths.length) break;
        result = replaceAt(
          result,
          paths[pick % paths.length],
          remove ? undefined : odd,
        );
      }
      return result && typeof result === 'object' && !Array.isArray(result)
        ? { ...extra, ...result }
        : result;
    });
  const notAnObject = fc.constantFrom(
    '{"comment": ',
    '{oops',
    'null',
    '[]',
    '"text"',
    '12',
    '{"a":'.repeat(2000),
    `[${'['.repeat(5000)}${']'.repeat(5000)}]`,
  );
  return fc.oneof(
    { weight: 4, arbitrary: oneOdd.map(b => JSON.stringify(b)) },
    { weight: 3, arbitrary: mixed.map(b => JSON.stringify(b)) },
    { weight: 2, arbitrary: valid.map(b => JSON.stringify(b)) },
    { weight: 2, arbitrary: notAnObject },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function pathSegment(
  parameter: Parameter,
  known: Record<string, unknown[]>,
): fc.Arbitrary<string> {
  const values = known[parameter.name] ?? [];
  const encoded = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.integer({ min: 256, max: 2000 }).map(n => 'w'.repeat(n)),
      fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
      fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
      fc.constantFrom('\u0000', 'a b', '?x=1', '#', 'ü', '9'.repeat(400)),
    )
    .map(encodeURIComponent);
  const odd = fc.oneof(encoded, fc.constantFrom(...ODD_PATH_SEGMENTS));
  if (!values.length) return odd;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...values).map(String) },
    { weight: 2, arbitrary: odd },
  );
}

function queryOf(
  parameters: Parameter[],
  known: Record<string, unknown[]>,
): fc.Arbitrary<string> {
  const scalar = (value: unknown) =>
    typeof value === 'string' ? value : JSON.stringify(value);
  const entries = parameters.map(parameter =>
    fc.oneof(
      fc.constant<Array<[string, string]>>([]),
      validValue(parameter.schema, parameter.name, known).map(v => [
        [parameter.name, scalar(v)] as [string, string],
      ]),
      oddValue().map(v => [[parameter.name, scalar(v)] as [string, string]]),
      // Repeated, so express parses an array; nested, so it parses an object.
      fc.constant([
        [parameter.name, 'a'],
        [parameter.name, 'b'],
      ] as Array<[string, string]>),
      fc.constant([[`${parameter.name}[x]`, 'y']] as Array<[string, string]>),
    ),
  );
  const extra = fc.oneof(
    fc.constant<Array<[string, string]>>([]),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string())
      .map(pair => [pair]),
  );
  return fc.tuple(extra, ...entries).map(lists => {
    const pairs = lists.flat();
    return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
  });
}

/** Requests to one operation. */
export function requestOf(
  operation: FuzzedOperation,
  known: Record<string, unknown[]>,
): fc.Arbitrary<FuzzedRequest> {
  const segments = operation.pathParameters.map(p => pathSegment(p, known));
  const withBody = !['GET', 'DELETE'].includes(operation.method);
  return fc
    .tuple(
      fc.tuple(...segments),
      queryOf(operation.queryParameters, known),
      withBody ? bodyOf(operation.body, known) : fc.constant(undefined),
    )
    .map(([values, query, body]) => {
      let path = operation.path;
      operation.pathParameters.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, values[i]);
      });
      return { method: operation.method, url: `${path}${query}`, body };
    });
}
