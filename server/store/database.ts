import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrate } from './migrate.ts';
import { listenToPeers } from './postgres/peer-notices.ts';
import { PostgresDatabase } from './postgres/postgres-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { attachSecretBox, fileSecretBox, keyIdsInUse, memorySecretBox, resealSecrets } from './secret-box.ts';

export type { Database } from 'better-sqlite3';

/**
 * Opens (creating when absent) the SQLite database and brings its schema up to date.
 * WAL lets phone reads run beside admin writes; `synchronous = FULL` makes every acknowledged
 * commit survive power loss or SIGKILL; foreign keys are off by default in SQLite, so turn them on.
 * Secrets are sealed under `secret.key` beside the file (created on first open, mode 0600);
 * plaintext left by an older version is sealed here. `:memory:` works for tests (throwaway key).
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    openSecrets(db, file === ':memory:' ? null : join(dirname(file), 'secret.key'));
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Where the database lives: the embedded SQLite file in the data folder, or a shared PostgreSQL. */
export interface DatabaseLocation {
  dataDir: string;
  databaseUrl: string | null;
}

/**
 * Opens the configured database, brings its schema up to date and unseals with the data
 * folder's `secret.key`. On PostgreSQL every instance needs a copy of the same key file
 * (docs/DEPLOY.md), and listens for the other instances' writes and notices.
 */
export async function openStoreDatabase(where: DatabaseLocation): Promise<SqlDatabase> {
  if (where.databaseUrl === null) return openDatabase(join(where.dataDir, 'deskprov.db'));
  const db = new PostgresDatabase(where.databaseUrl);
  try {
    migrate(db);
    openSecrets(db, join(where.dataDir, 'secret.key'));
    db.peers = await listenToPeers(where.databaseUrl, db.instanceId);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Attaches the secret box (a throwaway one without a key file) and seals leftover plaintext. */
function openSecrets(db: SqlDatabase, keyFile: string | null): void {
  // A fresh key would open nothing: say so instead of starting with unreadable secrets.
  if (keyFile !== null && !existsSync(keyFile) && keyIdsInUse(db).length > 0) {
    throw new Error(`the database holds sealed secrets but ${keyFile} is missing; put back the key file it was used with`);
  }
  const box = keyFile === null ? memorySecretBox() : fileSecretBox(keyFile);
  attachSecretBox(db, box);
  resealSecrets(db, box);
}
