import type { SqlDatabase } from './sql-database.ts';

/** The installation id (migration 900), or null for a database from before it existed. */
export function installationIdOf(db: SqlDatabase): string | null {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'installation'").pluck().get();
  if (exists === undefined) return null;
  return (db.prepare('SELECT id FROM installation WHERE singleton = 1').pluck().get() as string | undefined) ?? null;
}

/** The newest migration applied to the database. */
export function schemaVersionOf(db: SqlDatabase): number {
  return (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number) ?? 0;
}

/** The user tables, in creation order (a restore check compares them). */
export function tableNamesOf(db: SqlDatabase): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
}

/**
 * Revokes every API token (restore `--reset-admin`): after a restore from a time an attacker
 * may have had a token, none of that time's tokens keeps working. The next start makes and
 * prints a new first-start super-admin token. Returns how many tokens were revoked.
 */
export function revokeAllApiTokens(db: SqlDatabase, nowIso: string): number {
  return db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE revoked_at IS NULL').run(nowIso).changes;
}
