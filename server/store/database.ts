import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type { Database } from 'better-sqlite3';

/**
 * Opens (creating when absent) the SQLite database and brings its schema up to date.
 * WAL lets phone reads run beside admin writes; `synchronous = FULL` makes every acknowledged
 * commit survive power loss or SIGKILL; foreign keys are off by default in SQLite, so turn them on.
 * `:memory:` works for tests.
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
