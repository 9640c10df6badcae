import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineOf, type SqlDatabase, type SqlEngine } from './sql-database.ts';

/** One migration set per engine, file for file (docs/DATA-MODEL.md "PostgreSQL"). */
const MIGRATIONS_DIRS: Record<SqlEngine, string> = {
  sqlite: join(import.meta.dirname, 'migrations'),
  postgres: join(import.meta.dirname, 'migrations-postgres'),
};
const FILE_NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations shipped with the server, in order (`NNN-name.sql`). */
export function loadMigrations(dir = MIGRATIONS_DIRS.sqlite): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: FILE_NAME.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] ?? file,
      sql: readFileSync(join(dir, file), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies every migration newer than the database, all inside one transaction: a failing
 * migration leaves the database exactly as it was. The transaction takes the write lock before
 * it looks, so two servers starting at once on one PostgreSQL apply each migration once.
 * Returns the versions applied.
 */
export function migrate(db: SqlDatabase, migrations: Migration[] = loadMigrations(MIGRATIONS_DIRS[engineOf(db)])): number[] {
  return db
    .transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
      const pending = migrations.filter((m) => !applied.has(m.version));
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const m of pending) {
        db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
      }
      return pending.map((m) => m.version);
    })
    .immediate();
}
