/**
 * An error's message for a person. A `ResponseError` only says `Request failed with 409 Conflict`; the backend's
 * own message is in its cause, so both are shown.
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

/** Whether the backend answered 404: the group does not exist. */
export function isNotFound(error?: Error): boolean {
  return (
    error?.name === 'NotFoundError' ||
    (error?.name === 'ResponseError' &&
      (error as Error & { statusCode?: number }).statusCode === 404)
  );
}
