import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlDatabase, SqlEngine } from '../../../server/store/sql-database.ts';
import { withPostgres } from '../../setup/postgres.ts';
import { openTestStore } from './test-store.ts';

/** Both engines, for `describe.each(STORE_ENGINES)`. */
export const STORE_ENGINES: readonly SqlEngine[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dir: string;
  db: SqlDatabase;
  close(): void;
}

/**
 * Registers a PostgreSQL cluster for the file (started before its tests, only if a test asks
 * for PostgreSQL) and returns an opener: a fresh data folder and a fresh, migrated database of
 * the engine asked for (SQLite file in the folder, or a new database on the cluster).
 */
export function withStoreEngines(): (engine: SqlEngine) => Promise<TestDatabase> {
  const cluster = withPostgres();
  return async (engine) => {
    const dir = mkdtempSync(join(tmpdir(), `deskprov-${engine}-`));
    const db = await openTestStore(dir, engine === 'postgres' ? await cluster().newDatabase() : undefined);
    return {
      dir,
      db,
      close() {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}
