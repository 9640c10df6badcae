import type { Database } from 'better-sqlite3';
import type { Page, PageOf } from '../repositories.ts';

export type Row = Record<string, unknown>;

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
  db: Database,
  from: string,
  filter: { sql: string; params: unknown[] },
  order: string,
  page: Page,
  map: (row: Row) => T,
): PageOf<T> {
  const total = (db.prepare(`SELECT count(*) AS n FROM ${from} ${filter.sql}`).get(...filter.params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM ${from} ${filter.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
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
