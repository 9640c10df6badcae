import { appError, isAppError, type DeskprovError } from '../errors.ts';

/**
 * What the store does when the disk or the database file fails under it (docs/SECURITY.md
 * "Faults"). Writes fail with a clear code: `STORAGE_FULL` (507) for a full disk,
 * `STORAGE_UNAVAILABLE` (503) for a locked, unreadable, damaged or closed database. Reads keep
 * answering with the last good result of the same call, so phones keep getting the configs
 * they were last served (as Cisco TFTP serves files built before the database went away,
 * E911-SECURITY §2.4), while nothing new can be decided from data we cannot read.
 */

/** SQLite result codes meaning "the database cannot be used right now" (sqlite.org/rescode.html). */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|CORRUPT|NOTADB|READONLY|PROTOCOL)/;

/**
 * PostgreSQL's equivalents (postgresql.org/docs/current/errcodes-appendix.html): class 08
 * (connection exception), 53 (insufficient resources; 53100 is a full disk), 57P01–57P03
 * (shut down, cannot connect now), 57014 (statement timeout), and the socket's own errors.
 */
const PG_UNAVAILABLE = /^(08|53|57P0[1-3]|57014|ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)/;

/** The store failure as a deskprov error, or undefined when it is not a storage fault. */
export function storageFault(err: unknown): DeskprovError | undefined {
  if (isAppError(err) || !(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_FULL' || code === '53100') return appError('STORAGE_FULL', 'the disk holding the database is full; nothing was changed');
  if ((typeof code === 'string' && (UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code))) || /database connection is not open/.test(err.message)) {
    return appError('STORAGE_UNAVAILABLE', 'the database is unavailable; nothing was changed, retry later');
  }
  return undefined;
}

const MAX_REMEMBERED = 50_000;

/**
 * Wraps a repository: calls to `reads` remember their last good result (per arguments, bounded)
 * and return it when the database fails; every call's storage fault becomes a deskprov error;
 * every other call is then reported to `onCall` (store/write-generation.ts tells writes apart).
 */
export function withStorageFaults<T extends object>(repo: T, reads: ReadonlySet<string>, onCall?: (method: string) => void): T {
  const remembered = new Map<string, unknown>();
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repo)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    if (!reads.has(name)) {
      wrapped[name] = (...args: unknown[]) => {
        try {
          return fn(...args);
        } catch (err) {
          throw storageFault(err) ?? err;
        } finally {
          // After a failed call too: a write may have changed rows before a rollback.
          onCall?.(name);
        }
      };
      continue;
    }
    wrapped[name] = (...args: unknown[]) => {
      const key = `${name}\u0000${JSON.stringify(args)}`;
      try {
        const result = fn(...args);
        // Re-inserted so the map's order is least recently read first.
        remembered.delete(key);
        remembered.set(key, result);
        if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
        return result;
      } catch (err) {
        const fault = storageFault(err);
        if (fault === undefined) throw err;
        if (fault.code === 'STORAGE_UNAVAILABLE' && remembered.has(key)) return remembered.get(key);
        throw fault;
      }
    };
  }
  return wrapped as T;
}
