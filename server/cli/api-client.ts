/**
 * The CLI's only way to the server: JSON over HTTP to the admin API, so every command works
 * against a remote server exactly as against a local one.
 */

export interface ApiClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  server: string;
  token: string | undefined;
  fetch?: typeof fetch;
}

/** A failed API call: the server's error code and message, for the user and the exit code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  request<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete<T = unknown>(path: string): Promise<T>;
  /** GET of a text/plain resource: the body as sent, unparsed. */
  getText(path: string): Promise<string>;
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; details?: Record<string, unknown> };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.server.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return parse(await send(method, path, body, headers), method, path) as Promise<T>;
  }

  async function send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, init);
    } catch (err) {
      const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new ApiError(0, 'UNREACHABLE', `cannot reach ${base} (${reason})`);
    }
    return response;
  }

  async function parse(response: Response, method: string, path: string): Promise<unknown> {
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!response.ok) {
      const error = (parsed as ErrorBody | undefined)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `${method} ${path} failed with HTTP ${response.status}`,
        error?.field,
        error?.details,
      );
    }
    return parsed;
  }

  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
    delete: (path) => request('DELETE', path),
    async getText(path) {
      const response = await send('GET', path, undefined, { accept: 'text/plain' });
      if (!response.ok) await parse(response, 'GET', path);
      return response.text();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}

/** The items of a list response, whether the server answers with an array or `{items: [...]}`. */
export function itemsOf(response: unknown): Record<string, unknown>[] {
  if (Array.isArray(response)) return response as Record<string, unknown>[];
  const items = (response as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
}
