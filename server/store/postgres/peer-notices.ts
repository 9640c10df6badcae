import pg from 'pg';
import { WRITES_CHANNEL } from './postgres-database.ts';

/**
 * What other deskprov instances on the same PostgreSQL tell this one, through LISTEN/NOTIFY
 * (postgresql.org/docs/current/sql-notify.html): a notice is delivered after the writer's commit,
 * so a reader that hears it and reads again sees the new rows.
 */
export interface PeerNotices {
  /** How many writes other instances announced (and reconnects, which may have missed some). */
  writes(): number;
  /** Calls `fn` with the payload of each notice other instances send on `channel`. */
  on(channel: string, fn: (payload: string) => void): void;
  close(): Promise<void>;
}

const RECONNECT_MS = { first: 100, max: 5_000 };

/**
 * Listens on its own connection (a connection in a transaction would hold notices back).
 * Payloads start with the sender's instance id; this instance's own notices are skipped.
 * After a lost connection it reconnects with backoff and counts one write: notices sent while
 * it was away are gone, so everything remembered must be read again.
 */
export async function listenToPeers(url: string, instanceId: string): Promise<PeerNotices> {
  let writes = 0;
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  const handlers = new Map<string, Array<(payload: string) => void>>([[WRITES_CHANNEL, [() => (writes += 1)]]]);

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'deskprov-listen' });
    next.on('notification', (message) => {
      const [sender, ...rest] = (message.payload ?? '').split(' ');
      if (sender === instanceId) return;
      for (const fn of handlers.get(message.channel) ?? []) fn(rest.join(' '));
    });
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    await next.connect();
    for (const channel of handlers.keys()) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };

  let delay = RECONNECT_MS.first;
  const lost = (which: pg.Client): void => {
    if (closed || client !== which) return;
    client = null;
    const again = (): void => {
      retry = setTimeout(() => {
        connect().then(
          () => {
            delay = RECONNECT_MS.first;
            writes += 1;
          },
          () => {
            delay = Math.min(delay * 2, RECONNECT_MS.max);
            again();
          },
        );
      }, delay);
      retry.unref();
    };
    again();
  };

  await connect();
  return {
    writes: () => writes,
    on(channel, fn) {
      const list = handlers.get(channel);
      if (list !== undefined) {
        list.push(fn);
        return;
      }
      handlers.set(channel, [fn]);
      void client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
