/** An admin API answer: status, the parsed JSON body (undefined when empty) and the headers. */
export interface AdminAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One admin API call against a running server: `method` on `<httpUrl>api/v1<path>` with the
 * Bearer `token`, `body` sent as JSON when given. `httpUrl` is the server's root URL ending in `/`.
 */
export async function adminApi<T = any>(
  httpUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer<T>> {
  const res = await fetch(`${httpUrl}api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

/** {@link adminApi} for set-up steps that must succeed: the body of a 2xx answer, else it throws. */
export async function adminApiOk<T = any>(httpUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await adminApi<T>(httpUrl, token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A raw admin API request (firmware uploads and the like): `body` sent as is with content type
 * `type`, `extra` headers added; the fetch Response comes back unread.
 */
export function adminRequest(
  httpUrl: string,
  token: string,
  method: string,
  path: string,
  body: BodyInit,
  type: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${httpUrl}api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type, ...extra }, body });
}
