/**
 * Kubernetes `Status` objects and the errors that carry them, shaped like the API server's own
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/).
 */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason: string; message: string; field: string }>;
  retryAfterSeconds?: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus() {
    return statusObject(this.code, this.reason, this.message, this.details);
  }
}

export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `pods "web-1" not found` */
export function notFound(plural: string, name: string, group = '') {
  return new StatusError(
    404,
    'NotFound',
    `${group ? `${plural}.${group}` : plural} "${name}" not found`,
    {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    },
  );
}

export function alreadyExists(plural: string, name: string, group = '') {
  return new StatusError(
    409,
    'AlreadyExists',
    `${group ? `${plural}.${group}` : plural} "${name}" already exists`,
    {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    },
  );
}

export function conflict(plural: string, name: string, group = '') {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${
      group ? `${plural}.${group}` : plural
    } "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group ? { group } : {}), kind: plural },
  );
}

export function invalid(
  kind: string,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
  group = '',
) {
  const detail = causes.map(c => `${c.field}: ${c.message}`).join(', ');
  return new StatusError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${detail}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: causes.map(c => ({
        reason: c.reason ?? 'FieldValueInvalid',
        message: c.message,
        field: c.field,
      })),
    },
  );
}

export function badRequest(message: string) {
  return new StatusError(400, 'BadRequest', message);
}

export function gone(message: string) {
  return new StatusError(410, 'Expired', message);
}

export const UNKNOWN_ROUTE = () =>
  new StatusError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
