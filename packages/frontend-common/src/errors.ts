/**
 * An error's message for a person. A `ResponseError` says only `Request failed with 409 Conflict`; the backend's
 * own message is its cause, so both are shown.
 */
export function describeError(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (
    error.name === 'ResponseError' &&
    cause instanceof Error &&
    cause.message &&
    cause.message !== error.message
  ) {
    return `${error.message}: ${cause.message}`;
  }
  return error.message;
}

/**
 * Whether the backend answered 404: what was asked for does not exist. True for a `NotFoundError` and for any
 * error that carries status code 404, such as the `ResponseError` an API client throws.
 */
export function isNotFound(error?: Error): boolean {
  if (!error) return false;
  const { statusCode } = error as { statusCode?: number };
  return error.name === 'NotFoundError' || statusCode === 404;
}
