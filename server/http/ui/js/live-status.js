import { ApiError, get, seg, stream } from './api.js';

/** How often the live view re-reads: with or without the status stream, a change shows well within 2 s. */
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
 * Keeps a page current without reloads. While the status stream (`GET /status/stream`) is open,
 * each `event: device` hands its status to `onStatus(status)` at once, and `refresh({statuses:
 * false})` re-reads only the device list every POLL_MS (admin edits such as claims are not
 * streamed). Without a stream, `refresh({statuses: true})` re-reads everything every POLL_MS.
 * `onMode('stream'|'polling')` says which. Returns a stop function.
 */
export function watchChanges({ refresh, onStatus }, onMode) {
  const abort = new AbortController();
  let timer = null;
  let stopped = false;
  let streaming = false;

  const tick = async () => {
    if (stopped) return;
    try {
      await refresh({ statuses: !streaming });
    } catch {
      // A failed read (server restarting) is retried on the next tick.
    } finally {
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    }
  };
  timer = setTimeout(tick, POLL_MS);

  const fallBack = () => {
    streaming = false;
    if (!stopped) onMode('polling');
  };
  stream(
    '/status/stream',
    ({ event, data }) => {
      if (event !== 'device') return;
      try {
        onStatus(JSON.parse(data));
      } catch {
        // A malformed event is skipped; the next refresh corrects the view.
      }
    },
    abort.signal,
    () => {
      streaming = true;
      onMode('stream');
    },
  ).then(fallBack, fallBack);

  return () => {
    stopped = true;
    abort.abort();
    clearTimeout(timer);
  };
}
