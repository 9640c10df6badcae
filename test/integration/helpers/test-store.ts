import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase, openStoreDatabase } from '../../../server/store/database.ts';
import type { SqlDatabase, SqlEngine } from '../../../server/store/sql-database.ts';
import { createDatabaseOn } from '../../setup/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The superuser URL of the run's PostgreSQL cluster, in the `postgres` test project only. */
    postgresUrl?: string;
  }
}

/** The engine this test run's servers use: the `postgres` project runs the same suites on PostgreSQL. */
export function engineUnderTest(): SqlEngine {
  return inject('postgresUrl') === undefined ? 'sqlite' : 'postgres';
}

/**
 * The database a test server opens in `dataDir`: the SQLite file there, or (in the `postgres`
 * project, see vitest.config.ts) a fresh database on the run's cluster with its key in `dataDir`;
 * or the PostgreSQL database a test names (one on a cluster of its own, to stop and start it).
 */
export async function openTestStore(dataDir: string, databaseUrl?: string): Promise<SqlDatabase> {
  if (databaseUrl !== undefined) return openStoreDatabase({ dataDir, databaseUrl });
  const cluster = inject('postgresUrl');
  if (cluster === undefined) return openDatabase(join(dataDir, 'deskprov.db'));
  return openStoreDatabase({ dataDir, databaseUrl: await createDatabaseOn(cluster) });
}
