import { ApiError, get, seg, stream } from './api.js';

/** How often the live view re-reads when the server has no status stream: a change shows well within 2 s. */
export const POLL_MS = 1000;

/**
 * Per-device live status (`GET /devices/{mac}/status`). Remembers when the server has no such
 * route, so the pages can say "not available" instead of failing.
 */
export function createStatusReader() {
  let available = null;
  return {
    /** true, false (server has no status API) or null (not asked yet). */
    get available() {
      return available;
    },
    /** The status of one device, or null when unknown or unavailable. */
    async of(mac) {
      if (available === false) return null;
      try {
        const status = await get(`/devices/${seg(mac)}/status`);
        available = true;
        return status;
      } catch (err) {
        if (err instanceof ApiError && err.missingRoute) available = false;
        else if (!(err instanceof ApiError)) throw err;
        return null;
      }
    },
  };
}

/**
 * Calls `refresh()` whenever something may have changed: on every event of the status stream
 * (`GET /status/stream`) while it is open, else every POLL_MS. `onMode('stream'|'polling')`
 * says which. Returns a stop function.
 */
export function watchChanges(refresh, onMode) {
  const abort = new AbortController();
  let timer = null;
  let stopped = false;
  let pending = null;

  const poll = () => {
    if (stopped) return;
    onMode('polling');
    const tick = async () => {
      if (stopped) return;
      try {
        await refresh();
      } catch {
        // A failed read (server restarting) is retried on the next tick.
      } finally {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      }
    };
    timer = setTimeout(tick, POLL_MS);
  };

  stream(
    '/status/stream',
    () => {
      // Bursts of events (a site coming online) become one refresh.
      pending ??= setTimeout(() => {
        pending = null;
        if (!stopped) refresh();
      }, 100);
    },
    abort.signal,
    () => onMode('stream'),
  ).then(poll, (err) => {
    if (!stopped && !(err instanceof DOMException && err.name === 'AbortError')) poll();
  });

  return () => {
    stopped = true;
    abort.abort();
    clearTimeout(timer);
    clearTimeout(pending);
  };
}
