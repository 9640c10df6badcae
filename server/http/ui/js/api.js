/**
 * The admin API client. The token lives in sessionStorage only (gone when the tab closes) and
 * travels in the Authorization header, never in a URL.
 */

const TOKEN_KEY = 'deskprov.token';
const BASE = '/api/v1';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API refusal: the `{error:{code,message,field}}` body plus the HTTP status. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'HTTP_ERROR';
    this.field = error?.field;
  }

  /** True when the server has no such route at all (a feature this server does not offer). */
  get missingRoute() {
    return this.status === 404 && this.message.startsWith('no route');
  }
}

function headersFor(extra) {
  const headers = { ...extra };
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return headers;
}

/**
 * Calls the API. Resolves `{body, headers, status}`; rejects with ApiError on 4xx/5xx.
 * A 401 clears the stored token and sends the user back to the login form.
 */
export async function call(method, path, body, extraHeaders = {}) {
  const headers = headersFor(extraHeaders);
  const init = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let parsed;
  const type = res.headers.get('content-type') ?? '';
  if (text !== '' && type.includes('json')) parsed = JSON.parse(text);
  else parsed = text;
  if (!res.ok) {
    if (res.status === 401) {
      token.clear();
      window.dispatchEvent(new Event('deskprov:logout'));
    }
    throw new ApiError(res.status, typeof parsed === 'object' ? parsed?.error : undefined);
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const get = (path) => call('GET', path).then((r) => r.body);

/** Every item of a paged list (`{items, next}`), following `next` up to `max` items. */
export async function getAll(path, max = 2000) {
  const items = [];
  let offset = 0;
  const sep = path.includes('?') ? '&' : '?';
  while (offset !== null && items.length < max) {
    const page = await get(`${path}${sep}limit=500&offset=${offset}`);
    items.push(...page.items);
    offset = page.next ?? null;
  }
  return items;
}

/** URL path segment for a value typed by a person or returned by the API. */
export const seg = (value) => encodeURIComponent(String(value));

/**
 * Reads a server-sent event stream with the Authorization header (EventSource cannot send one).
 * Calls `onOpen()` once connected and `onEvent({event, data})` per event; resolves when the stream ends; rejects with ApiError
 * when the server refuses it (e.g. `missingRoute`).
 */
export async function stream(path, onEvent, signal, onOpen = () => {}) {
  const res = await fetch(`${BASE}${path}`, { headers: headersFor({ accept: 'text/event-stream' }), signal });
  if (!res.ok || !res.body) {
    let error;
    try {
      error = (await res.json()).error;
    } catch {
      error = undefined;
    }
    throw new ApiError(res.status, error);
  }
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    // WHATWG HTML §9.2.6: events are separated by a blank line; `data:` lines are joined by \n.
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0 || event !== 'message') onEvent({ event, data: data.join('\n') });
    }
  }
}
