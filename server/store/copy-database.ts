import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, openStoreDatabase } from './database.ts';
import { engineOf, type SqlDatabase } from './sql-database.ts';
import { tableNames } from './sqlite/sql-helpers.ts';

/**
 * Copies an embedded SQLite database into an empty PostgreSQL one (`deskprov migrate`,
 * docs/DEPLOY.md "Moving to PostgreSQL"). Rows go across as stored: sealed secrets stay sealed
 * (the target is opened with the same `secret.key`), BLOBs become bytea, and the whole copy is
 * one transaction, so a failure leaves the target as empty as it was.
 */

/** The migrations' own bookkeeping: the target's migrations already wrote it. */
const MIGRATIONS_TABLE = 'schema_migrations';
/**
 * Tables a migration fills by itself (900-installation.sql makes the installation's id): a fresh
 * target has these rows, and the source's rows replace them, so backups keep naming the same
 * installation.
 */
const SEEDED_BY_MIGRATIONS: ReadonlySet<string> = new Set(['installation']);
/** Rows per INSERT; fewer for wide tables, far under PostgreSQL's 65 535 parameters a statement. */
const BATCH_ROWS = 500;
const MAX_PARAMETERS = 30_000;

export interface CopiedTable {
  table: string;
  sourceRows: number;
  targetRows: number;
}

export interface CopyReport {
  tables: CopiedTable[];
  elapsedMs: number;
}

/** The target already holds data: the copy would merge two installations, so it refuses. */
export class CopyRefused extends Error {}

interface ForeignKey {
  parent: string;
  from: string[];
  to: string[];
  /** Every `from` column may be NULL, so a cycle can be broken here. */
  nullable: boolean;
}

interface SourceTable {
  name: string;
  columns: string[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

/** A foreign key copied as NULL and filled in once its parent table is there (a cycle between tables). */
interface DeferredKey {
  table: string;
  key: ForeignKey;
}

/**
 * Copies the SQLite database file `sqliteFile` (brought to the current schema first) into the
 * PostgreSQL database at `databaseUrl`, opened with the `secret.key` beside the file.
 */
export async function copySqliteToPostgres(sqliteFile: string, databaseUrl: string): Promise<CopyReport> {
  // openDatabase would create a missing file: an empty copy is never what was meant.
  if (!existsSync(sqliteFile)) throw new Error(`no SQLite database at ${sqliteFile}`);
  const source = openDatabase(sqliteFile);
  try {
    const target = await openStoreDatabase({ dataDir: dirname(resolve(sqliteFile)), databaseUrl });
    try {
      return copyDatabase(source, target);
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

/**
 * Copies every table of `source` (except the migrations' bookkeeping) into the empty PostgreSQL
 * database `target` of the same schema, in one write transaction, then checks the row counts.
 */
export function copyDatabase(source: Database, target: SqlDatabase): CopyReport {
  if (engineOf(target) !== 'postgres') throw new Error('the target of a copy must be a PostgreSQL database');
  const started = performance.now();
  // One read transaction: every table is read as of the same moment, even if a server still writes.
  source.exec('BEGIN');
  try {
    return { tables: copyInOneSnapshot(source, target), elapsedMs: performance.now() - started };
  } finally {
    source.exec('COMMIT');
  }
}

function copyInOneSnapshot(source: Database, target: SqlDatabase): CopiedTable[] {
  const tables = readSourceTables(source);
  const targetColumns = readTargetColumns(target);
  checkColumnsExist(tables, targetColumns);
  const { order, deferred } = copyOrder(source, tables);

  return target
    .transaction(() => {
      refuseUnlessEmpty(target);
      for (const table of SEEDED_BY_MIGRATIONS) target.prepare(`DELETE FROM ${ident(table)}`).run();
      for (const table of order) {
        const nulled = deferred.filter((d) => d.table === table.name).flatMap((d) => d.key.from);
        copyRows(source, target, table, new Set(nulled));
      }
      for (const d of deferred) fillDeferredKey(source, target, tables.get(d.table) as SourceTable, d.key, targetColumns);
      advanceIdentities(target);
      return verifyCounts(source, target, order);
    })
    .immediate();
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function readSourceTables(source: Database): Map<string, SourceTable> {
  const names = tableNames(source);
  const tables = new Map<string, SourceTable>();
  for (const name of names.filter((n) => n !== MIGRATIONS_TABLE)) {
    const info = source.prepare('SELECT name, "notnull" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as {
      name: string;
      not_null: number;
      pk: number;
    }[];
    const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const notNull = new Set(info.filter((c) => c.not_null === 1 || c.pk > 0).map((c) => c.name));
    const keyRows = source.prepare('SELECT id, seq, "table" AS parent, "from" AS fromColumn, "to" AS toColumn FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name) as {
      id: number;
      parent: string;
      fromColumn: string;
      toColumn: string | null;
    }[];
    const byId = new Map<number, ForeignKey>();
    for (const row of keyRows) {
      let key = byId.get(row.id);
      if (key === undefined) {
        key = { parent: row.parent, from: [], to: [], nullable: true };
        byId.set(row.id, key);
      }
      key.from.push(row.fromColumn);
      key.to.push(row.toColumn ?? '');
      if (notNull.has(row.fromColumn)) key.nullable = false;
    }
    tables.set(name, { name, columns: info.map((c) => c.name), primaryKey, foreignKeys: [...byId.values()] });
  }
  // `REFERENCES parent` without columns means the parent's primary key.
  for (const table of tables.values()) {
    for (const key of table.foreignKeys) {
      if (key.to.some((column) => column === '')) key.to = [...(tables.get(key.parent)?.primaryKey ?? key.to)];
    }
  }
  return tables;
}

/** Column name → PostgreSQL type, per table of the target's schema. */
function readTargetColumns(target: SqlDatabase): Map<string, Map<string, string>> {
  const rows = target
    .prepare('SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()')
    .all() as { table_name: string; column_name: string; data_type: string }[];
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows) {
    let columns = tables.get(row.table_name);
    if (columns === undefined) tables.set(row.table_name, (columns = new Map()));
    columns.set(row.column_name, row.data_type);
  }
  return tables;
}

function checkColumnsExist(tables: Map<string, SourceTable>, targetColumns: Map<string, Map<string, string>>): void {
  const problems: string[] = [];
  for (const table of tables.values()) {
    const columns = targetColumns.get(table.name);
    if (columns === undefined) {
      problems.push(`table ${table.name} is missing`);
      continue;
    }
    const missing = table.columns.filter((c) => !columns.has(c));
    if (missing.length > 0) problems.push(`table ${table.name} lacks column(s) ${missing.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new Error(`the PostgreSQL schema does not match the SQLite one (is one of them from another deskprov version?): ${problems.join('; ')}`);
  }
}

/**
 * Parents before children (a foreign key is checked at each INSERT). Where tables reference each
 * other in a cycle (extensions.outbound_caller_id ↔ numbers.extension_number), one nullable key on
 * the cycle is copied as NULL and filled in after every table is there: the one with the fewest
 * values, so the fewest rows are touched twice. A table referencing itself orders its own rows.
 */
function copyOrder(source: Database, tables: Map<string, SourceTable>): { order: SourceTable[]; deferred: DeferredKey[] } {
  const order: SourceTable[] = [];
  const deferred: DeferredKey[] = [];
  const done = new Set<string>();
  const isDeferred = (table: string, key: ForeignKey) => deferred.some((d) => d.table === table && d.key === key);
  const waitsOn = (table: SourceTable) =>
    table.foreignKeys
      .filter((key) => key.parent !== table.name && tables.has(key.parent) && !isDeferred(table.name, key))
      .map((key) => key.parent);
  while (done.size < tables.size) {
    const ready = [...tables.values()].filter((t) => !done.has(t.name) && waitsOn(t).every((parent) => done.has(parent)));
    if (ready.length > 0) {
      for (const table of ready) {
        order.push(table);
        done.add(table.name);
      }
      continue;
    }
    const remaining = [...tables.values()].filter((t) => !done.has(t.name));
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const stack = [from];
      while (stack.length > 0) {
        const name = stack.pop() as string;
        if (name === to) return true;
        if (seen.has(name) || done.has(name)) continue;
        seen.add(name);
        const table = tables.get(name);
        if (table !== undefined) stack.push(...waitsOn(table));
      }
      return false;
    };
    const candidates = remaining.flatMap((table) =>
      table.foreignKeys
        .filter((key) => key.nullable && key.parent !== table.name && !done.has(key.parent) && !isDeferred(table.name, key))
        .filter((key) => reaches(key.parent, table.name))
        .map((key) => ({ table: table.name, key, values: countNonNull(source, table.name, key.from) })),
    );
    candidates.sort((a, b) => a.values - b.values);
    const pick = candidates[0];
    if (pick === undefined) {
      throw new Error(`tables ${remaining.map((t) => t.name).join(', ')} reference each other through NOT NULL keys; they cannot be copied in order`);
    }
    deferred.push({ table: pick.table, key: pick.key });
  }
  return { order, deferred };
}

function countNonNull(source: Database, table: string, columns: string[]): number {
  const where = columns.map((c) => `${ident(c)} IS NOT NULL`).join(' OR ');
  return source.prepare(`SELECT COUNT(*) FROM ${ident(table)} WHERE ${where}`).pluck().get() as number;
}

function refuseUnlessEmpty(target: SqlDatabase): void {
  const tables = tableNames(target);
  const holding = tables
    .filter((t) => t !== MIGRATIONS_TABLE && !SEEDED_BY_MIGRATIONS.has(t))
    .filter((t) => target.prepare(`SELECT EXISTS (SELECT 1 FROM ${ident(t)})`).pluck().get() === 1);
  if (holding.length > 0) {
    throw new CopyRefused(
      `the PostgreSQL database already holds deskprov data (tables ${holding.join(', ')}); copy only into an empty database`,
    );
  }
}

/** Copies one table in multi-row INSERTs; `nulled` columns go in as NULL (filled in later). */
function copyRows(source: Database, target: SqlDatabase, table: SourceTable, nulled: ReadonlySet<string>): void {
  const columns = table.columns;
  const perStatement = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  const head = `INSERT INTO ${ident(table.name)} (${columns.map(ident).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const nulledAt = columns.map((c) => nulled.has(c));
  let batch: unknown[] = [];
  let rows = 0;
  const flush = () => {
    if (rows === 0) return;
    target.prepare(head + Array.from({ length: rows }, () => tuple).join(', ')).run(...batch);
    batch = [];
    rows = 0;
  };
  const select = source.prepare(`SELECT ${columns.map(ident).join(', ')} FROM ${ident(table.name)}`).raw(true);
  const selfKeys = table.foreignKeys.filter((key) => key.parent === table.name);
  const ordered = selfKeys.length === 0 ? select.iterate() : parentsFirst(table, selfKeys, select.all() as unknown[][]);
  for (const row of ordered as Iterable<unknown[]>) {
    for (let i = 0; i < row.length; i++) batch.push(nulledAt[i] === true ? null : row[i]);
    rows += 1;
    if (rows === perStatement) flush();
  }
  flush();
}

/** Rows of a table referencing itself (profiles.parent_id), each after the row it names. */
function parentsFirst(table: SourceTable, keys: ForeignKey[], rows: unknown[][]): unknown[][] {
  const at = (name: string) => table.columns.indexOf(name);
  const keyOf = (row: unknown[], columns: string[]) => JSON.stringify(columns.map((c) => row[at(c)] ?? null));
  const placed = new Set<string>();
  const ordered: unknown[][] = [];
  let waiting = rows;
  while (waiting.length > 0) {
    const next: unknown[][] = [];
    for (const row of waiting) {
      const ready = keys.every((key) => {
        if (key.from.some((c) => row[at(c)] === null)) return true;
        const parent = keyOf(row, key.from);
        return placed.has(`${key.to.join()}=${parent}`) || parent === keyOf(row, key.to);
      });
      if (!ready) {
        next.push(row);
        continue;
      }
      ordered.push(row);
      for (const key of keys) placed.add(`${key.to.join()}=${keyOf(row, key.to)}`);
    }
    if (next.length === waiting.length) {
      throw new Error(`${next.length} row(s) of ${table.name} name a parent that is missing or part of a cycle`);
    }
    waiting = next;
  }
  return ordered;
}

/** Sets a key copied as NULL to its source values, many rows per UPDATE. */
function fillDeferredKey(
  source: Database,
  target: SqlDatabase,
  table: SourceTable,
  key: ForeignKey,
  targetColumns: Map<string, Map<string, string>>,
): void {
  if (table.primaryKey.length === 0) throw new Error(`table ${table.name} has no primary key to fill in ${key.from.join(', ')} by`);
  const types = targetColumns.get(table.name) as Map<string, string>;
  const columns = [...table.primaryKey, ...key.from];
  const where = key.from.map((c) => `${ident(c)} IS NOT NULL`).join(' OR ');
  const rows = source
    .prepare(`SELECT ${columns.map(ident).join(', ')} FROM ${ident(table.name)} WHERE ${where}`)
    .raw(true)
    .all() as unknown[][];
  // VALUES parameters have no column to take a type from: cast each to the target column's type.
  const tuple = `(${columns.map((c) => `CAST(? AS ${types.get(c) ?? 'text'})`).join(', ')})`;
  const aliases = columns.map((_, i) => `c${i}`);
  const set = key.from.map((c, i) => `${ident(c)} = v.c${table.primaryKey.length + i}`).join(', ');
  const match = table.primaryKey.map((c, i) => `t.${ident(c)} = v.c${i}`).join(' AND ');
  const perStatement = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values = chunk.map(() => tuple).join(', ');
    target
      .prepare(`UPDATE ${ident(table.name)} AS t SET ${set} FROM (VALUES ${values}) AS v(${aliases.join(', ')}) WHERE ${match}`)
      .run(...chunk.flat());
  }
}

/** Identity columns (audit_events.seq) continue after the largest copied value. */
function advanceIdentities(target: SqlDatabase): void {
  const identities = target
    .prepare("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")
    .all() as { table_name: string; column_name: string }[];
  for (const { table_name: table, column_name: column } of identities) {
    // setval with a NULL maximum (an empty table) does nothing: the sequence starts where it was.
    target
      .prepare(`SELECT setval(pg_get_serial_sequence(?, ?), (SELECT MAX(${ident(column)}) FROM ${ident(table)}))`)
      .get(ident(table), column);
  }
}

function verifyCounts(source: Database, target: SqlDatabase, order: SourceTable[]): CopiedTable[] {
  const counts = order.map((table) => ({
    table: table.name,
    sourceRows: source.prepare(`SELECT COUNT(*) FROM ${ident(table.name)}`).pluck().get() as number,
    targetRows: Number(target.prepare(`SELECT COUNT(*) FROM ${ident(table.name)}`).pluck().get()),
  }));
  const wrong = counts.filter((c) => c.sourceRows !== c.targetRows);
  if (wrong.length > 0) {
    throw new Error(`row counts differ after the copy (${wrong.map((c) => `${c.table}: ${c.sourceRows} → ${c.targetRows}`).join(', ')}); nothing was kept`);
  }
  return counts;
}
