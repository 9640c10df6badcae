import type { SqlDatabase } from './sql-database.ts';
import { appError, isAppError } from '../errors.ts';
import type { Store } from './repositories.ts';
import { storageFault, withStorageFaults } from './storage-faults.ts';
import { writeGenerationOf } from './write-generation.ts';
import { sqliteAudit } from './sqlite/audit-repository.ts';
import { sqliteDevices } from './sqlite/device-repository.ts';
import { sqliteExtensions } from './sqlite/extension-repository.ts';
import { sqliteNumbers } from './sqlite/number-repository.ts';
import { sqliteProfiles } from './sqlite/profile-repository.ts';
import { sqliteSites } from './sqlite/site-repository.ts';
import { sqliteTokens } from './sqlite/token-repository.ts';
import { sqliteUsers } from './sqlite/user-repository.ts';

/**
 * A constraint the services did not check first (another feature's table still pointing at a
 * row, a race the rules missed) is a conflict for the caller, not a 500.
 */
function asConflict(err: unknown): unknown {
  if (isAppError(err) || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  // PostgreSQL's codes for the same: 23503 foreign key, 23505 unique (errcodes-appendix).
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return appError('CONFLICT', 'other records still refer to this one; remove or change them first');
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return appError('CONFLICT', 'a record with the same unique value already exists');
  }
  return storageFault(err) ?? err;
}

// Reads the phone pipeline makes: their last good results keep phones served through an outage.
// Only these: remembering admin lists would hold large pages for nothing.
const reads = (...names: string[]): ReadonlySet<string> => new Set(names);
const NO_READS = reads();

/** Repository methods that only read (store/repositories.ts); any other name counts as a write. */
const READ_METHOD = /^(get|list|children|is[A-Z]|lowest|overlapping|retained|taken|used|using|count|find|all|has)/;

/** The SQLite implementation of every repository over one open database. */
export function createSqliteStore(db: SqlDatabase): Store {
  const generation = writeGenerationOf(db);
  // Rows the phone pipeline renders from: a write to them moves the generation. Tokens and audit
  // entries feed no phone file, and a token check on every agent report must not clear copies.
  // `configEdits`: the methods that write nothing but profile rows or devices' config-revision
  // columns (single-table statements), reported as config edits (store/write-generation.ts).
  const writes = (configEdits: readonly string[] = []) => (method: string) => {
    if (!READ_METHOD.test(method)) generation.bump(configEdits.includes(method) ? 'config-edit' : undefined);
  };
  const written = writes();
  return {
    sites: withStorageFaults(sqliteSites(db), reads('get', 'list'), written),
    extensions: withStorageFaults(sqliteExtensions(db), reads('get'), written),
    users: withStorageFaults(sqliteUsers(db), reads('get', 'getByExtension', 'list'), written),
    numbers: withStorageFaults(sqliteNumbers(db), NO_READS, written),
    devices: withStorageFaults(sqliteDevices(db), reads('get', 'getByMac'), writes(['bumpConfigRevision', 'bumpConfigRevisionOf'])),
    profiles: withStorageFaults(sqliteProfiles(db), reads('get'), writes(['insert', 'update'])),
    tokens: withStorageFaults(sqliteTokens(db), NO_READS),
    audit: withStorageFaults(sqliteAudit(db), NO_READS),
    transaction<T>(fn: () => T): T {
      try {
        // Nested calls become savepoints (better-sqlite3): a failing inner step rolls back alone.
        if (db.inTransaction) return db.transaction(fn)();
        return db.transaction(fn).immediate();
      } catch (err) {
        // Rolled back: a row read and remembered after a write inside it never existed.
        generation.bump();
        throw db.inTransaction ? err : asConflict(err);
      }
    },
  };
}
