/** A call to a plugin's REST routes as one user: the answer's status and its JSON body, if it has one. */
export type RestCall = (
  method: string,
  path: string,
  user: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>;

/**
 * Calls the routes under `baseUrl` as the user a call names, with the `authorization` header that
 * `authorizationOf(user)` gives (in tests, `mockCredentials.user.header`). A body is sent as JSON; a string body
 * is sent as it is, so that tests can send bodies that are not JSON.
 */
export function restCaller(
  baseUrl: string | (() => string),
  authorizationOf: (user: string) => string,
): RestCall {
  return async (method, path, user, body) => {
    const headers: Record<string, string> = {
      authorization: authorizationOf(user),
    };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const base = typeof baseUrl === 'string' ? baseUrl : baseUrl();
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: payload,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  };
}
