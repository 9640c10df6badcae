import { engineOf, type SqlDatabase, type SqlStatement } from '../sql-database.ts';
import type { Page, PageOf } from '../repositories.ts';

export type Row = Record<string, unknown>;

const cache = new WeakMap<SqlDatabase, Map<string, SqlStatement>>();

/**
 * `db.prepare(sql)`, compiled once per database and SQL text: compiling costs far more than
 * running these small statements. Each SQL text is used in one mode (pluck or not) only.
 */
export function prepare(db: SqlDatabase, sql: string): SqlStatement {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** Builds a `WHERE` clause from present conditions. */
export function where(conditions: [sql: string, value: unknown][]): { sql: string; params: unknown[] } {
  const present = conditions.filter(([, v]) => v !== undefined);
  return {
    sql: present.length === 0 ? '' : `WHERE ${present.map(([s]) => s).join(' AND ')}`,
    params: present.map(([, v]) => v),
  };
}

/** One page of `SELECT * FROM <from> <where> ORDER BY <order>` and the total without paging. */
export function pageOf<T>(
  db: SqlDatabase,
  from: string,
  filter: { sql: string; params: unknown[] },
  order: string,
  page: Page,
  map: (row: Row) => T,
): PageOf<T> {
  const total = (prepare(db, `SELECT count(*) AS n FROM ${from} ${filter.sql}`).get(...filter.params) as { n: number }).n;
  const rows = prepare(db, `SELECT * FROM ${from} ${filter.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...filter.params, page.limit, page.offset) as Row[];
  return { items: rows.map(map), total };
}

/** `LIKE` pattern for a substring, with the wildcard characters escaped (use `ESCAPE '\'`). */
export function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const str = (v: unknown): string => v as string;
export const strOrNull = (v: unknown): string | null => (v === null ? null : (v as string));
export const numOrNull = (v: unknown): number | null => (v === null ? null : Number(v));

/** The database's own tables, sorted by name: SQLite's internal `sqlite_*` tables and views left out. */
export function tableNames(db: SqlDatabase): string[] {
  const sql =
    engineOf(db) === 'postgres'
      ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
  return prepare(db, sql).pluck().all() as string[];
}
