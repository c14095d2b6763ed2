import { ApiError, Params } from './http';

/*
 * Parameter reading with the errors GitLab's Grape layer gives: 400 {"error": "<name> is
 * missing"} (all missing names in one message), "<name> is invalid" for a wrong type and
 * "<name> does not have a valid value" for a value outside a list.
 */

export function requireParams(params: Params, names: readonly string[]): void {
  const missing = names.filter(
    name => params[name] === undefined || params[name] === null,
  );
  if (missing.length > 0) {
    throw ApiError.error(
      400,
      missing.map(name => `${name} is missing`).join(', '),
    );
  }
}

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw ApiError.error(400, `${name} is invalid`);
}

export function requiredString(params: Params, name: string): string {
  requireParams(params, [name]);
  return stringParam(params, name)!;
}

/** Like `requiredString`, and an empty value is refused too (Grape's `allow_blank: false`). */
export function nonBlankString(params: Params, name: string): string {
  const value = requiredString(params, name);
  if (value.trim() === '') throw ApiError.error(400, `${name} is empty`);
  return value;
}

export function booleanParam(
  params: Params,
  name: string,
): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true' || value === '1' || value === 1)
    return true;
  if (value === false || value === 'false' || value === '0' || value === 0)
    return false;
  throw ApiError.error(400, `${name} is invalid`);
}

export function integerParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number))
    throw ApiError.error(400, `${name} is invalid`);
  return number;
}

export function enumParam<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = stringParam(params, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw ApiError.error(400, `${name} does not have a valid value`);
  }
  return value as T;
}

/** A path segment that must be an integer, such as `:merge_request_iid`. */
export function integerPathParam(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw ApiError.error(400, `${name} is invalid`);
  return Number(value);
}
