import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrate } from './migrate.ts';
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
    const keyFile = join(dirname(file), 'secret.key');
    // A fresh key would open nothing: say so instead of starting with unreadable secrets.
    if (file !== ':memory:' && !existsSync(keyFile) && keyIdsInUse(db).length > 0) {
      throw new Error(`the database holds sealed secrets but ${keyFile} is missing; put back the key file it was used with`);
    }
    const box = file === ':memory:' ? memorySecretBox() : fileSecretBox(keyFile);
    attachSecretBox(db, box);
    resealSecrets(db, box);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
