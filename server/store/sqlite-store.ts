import type { Database } from 'better-sqlite3';
import type { Store } from './repositories.ts';
import { sqliteAudit } from './sqlite/audit-repository.ts';
import { sqliteDevices } from './sqlite/device-repository.ts';
import { sqliteExtensions } from './sqlite/extension-repository.ts';
import { sqliteNumbers } from './sqlite/number-repository.ts';
import { sqliteProfiles } from './sqlite/profile-repository.ts';
import { sqliteSites } from './sqlite/site-repository.ts';
import { sqliteTokens } from './sqlite/token-repository.ts';
import { sqliteUsers } from './sqlite/user-repository.ts';

/** The SQLite implementation of every repository over one open database. */
export function createSqliteStore(db: Database): Store {
  return {
    sites: sqliteSites(db),
    extensions: sqliteExtensions(db),
    users: sqliteUsers(db),
    numbers: sqliteNumbers(db),
    devices: sqliteDevices(db),
    profiles: sqliteProfiles(db),
    tokens: sqliteTokens(db),
    audit: sqliteAudit(db),
    // Nested calls become savepoints (better-sqlite3): a failing inner step rolls back alone.
    transaction: <T>(fn: () => T): T => (db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate()),
  };
}
