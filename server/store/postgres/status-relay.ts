import type { PostgresDatabase } from './postgres-database.ts';

/** The channel status changes travel on between instances. */
export const STATUS_CHANNEL = 'deskprov_status';

/** NOTIFY payloads must stay under 8,000 bytes (postgresql.org/docs/current/sql-notify.html). */
const MAX_PAYLOAD = 7_000;
const FLUSH_MS = 50;

export interface StatusRelay {
  /** This instance changed a device's status: the others hear of it within `FLUSH_MS`. */
  changed(mac: string): void;
  /** Sends what is waiting now (at shutdown). */
  flush(): void;
}

/**
 * Relays device status changes between instances on one PostgreSQL, so an installer's status
 * stream on one server shows phones reporting to another. Changes are gathered for a moment and
 * sent as one notice of space-separated MACs: a fleet reporting at once costs one NOTIFY per
 * flush, not one per report.
 */
export function createStatusRelay(db: PostgresDatabase, fromPeer: (mac: string) => void): StatusRelay {
  const waiting = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  db.peers?.on(STATUS_CHANNEL, (payload) => {
    for (const mac of payload.split(' ')) if (mac !== '') fromPeer(mac);
  });
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    let payload = '';
    for (const mac of waiting) {
      if (payload.length + mac.length + 1 > MAX_PAYLOAD) {
        db.notifyPeers(STATUS_CHANNEL, payload);
        payload = '';
      }
      payload = payload === '' ? mac : `${payload} ${mac}`;
    }
    waiting.clear();
    if (payload !== '') db.notifyPeers(STATUS_CHANNEL, payload);
  };
  return {
    changed(mac) {
      waiting.add(mac);
      timer ??= setTimeout(() => {
        try {
          flush();
        } catch {
          // The database is away: the peers miss this change; their next read shows stored state.
        }
      }, FLUSH_MS).unref();
    },
    flush,
  };
}
