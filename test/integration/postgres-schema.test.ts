import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/migrate.ts';
import { withPostgres } from '../setup/postgres.ts';

/**
 * The PostgreSQL migration set mirrors the SQLite one file for file (docs/DATA-MODEL.md
 * "PostgreSQL"): both are applied to empty databases and their catalogues compared, so a column,
 * key, constraint or index added to one set and not the other fails here.
 */

const STORE = join(import.meta.dirname, '..', '..', 'server', 'store');
const SQLITE_SET = join(STORE, 'migrations');
const PG_SET = join(STORE, 'migrations-postgres');
/** Kept by the migration runner, not created by the migrations themselves. */
const RUNNER_TABLE = 'schema_migrations';

/** Declared type families: SQLite's storage classes and the PostgreSQL types that stand for them. */
type TypeFamily = 'text' | 'integer' | 'real' | 'blob';

interface Column {
  name: string;
  type: TypeFamily;
  notNull: boolean;
  hasDefault: boolean;
}

interface Table {
  columns: Column[];
  primaryKey: string[];
  /** Column lists of UNIQUE constraints, e.g. "host,port", sorted. */
  unique: string[];
  /** "from -> table(to) ON UPDATE x ON DELETE y", sorted. */
  foreignKeys: string[];
  /** Explicitly created indexes: "name [unique] (columns) [partial]", sorted. */
  indexes: string[];
  checks: number;
}

type Schema = Record<string, Table>;

function sqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

function familyOf(declared: string): TypeFamily {
  const t = declared.toLowerCase();
  if (t === 'text') return 'text';
  if (t === 'integer' || t === 'bigint') return 'integer';
  if (t === 'real' || t === 'double precision') return 'real';
  if (t === 'blob' || t === 'bytea') return 'blob';
  throw new Error(`unexpected column type ${declared}`);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function readSqliteSchema(db: Database): Schema {
  const schema: Schema = {};
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?")
    .all(RUNNER_TABLE) as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    const info = db.prepare('SELECT * FROM pragma_table_info(?) ORDER BY cid').all(name) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const fks = db.prepare('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name) as {
      id: number;
      table: string;
      from: string;
      to: string;
      on_update: string;
      on_delete: string;
    }[];
    const indexList = db.prepare('SELECT * FROM pragma_index_list(?)').all(name) as {
      name: string;
      unique: number;
      origin: 'c' | 'u' | 'pk';
      partial: number;
    }[];
    const indexColumns = (index: string) =>
      (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index) as { name: string }[]).map((r) => r.name);
    const grouped = new Map<number, { table: string; from: string[]; to: string[]; onUpdate: string; onDelete: string }>();
    for (const fk of fks) {
      const entry = grouped.get(fk.id) ?? { table: fk.table, from: [], to: [], onUpdate: fk.on_update, onDelete: fk.on_delete };
      entry.from.push(fk.from);
      entry.to.push(fk.to);
      grouped.set(fk.id, entry);
    }
    schema[name] = {
      columns: info.map((c) => ({
        name: c.name,
        type: familyOf(c.type),
        // SQLite lets a non-INTEGER PRIMARY KEY column hold NULL (a documented legacy quirk);
        // PostgreSQL's primary keys are always NOT NULL, and the code never stores NULL keys.
        notNull: c.notnull === 1 || c.pk > 0,
        hasDefault: c.dflt_value !== null,
      })),
      primaryKey: info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      unique: indexList
        .filter((i) => i.origin === 'u')
        .map((i) => indexColumns(i.name).join(','))
        .sort(byName),
      foreignKeys: [...grouped.values()].map((fk) => foreignKey(fk.from, fk.table, fk.to, fk.onUpdate, fk.onDelete)).sort(byName),
      indexes: indexList
        .filter((i) => i.origin === 'c')
        .map((i) => index(i.name, i.unique === 1, indexColumns(i.name), i.partial === 1))
        .sort(byName),
      // SQLite keeps no catalogue of CHECKs: count them in the stored CREATE TABLE text, comments removed.
      checks: (sql.replace(/--[^\n]*/g, '').match(/\bCHECK\s*\(/gi) ?? []).length,
    };
  }
  return schema;
}

const PG_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function foreignKey(from: string[], table: string, to: string[], onUpdate: string, onDelete: string): string {
  return `${from.join(',')} -> ${table}(${to.join(',')}) ON UPDATE ${onUpdate} ON DELETE ${onDelete}`;
}

function index(name: string, unique: boolean, columns: string[], partial: boolean): string {
  return `${name}${unique ? ' unique' : ''} (${columns.join(',')})${partial ? ' partial' : ''}`;
}

/** Column names of `attnums` in relation `rel`, in the order given. */
const ATTNAMES = (attnums: string, rel: string) => `ARRAY(
  SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum ORDER BY k.ord)`;

async function readPgSchema(client: pg.Client): Promise<Schema> {
  const schema: Schema = {};
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1`,
    [RUNNER_TABLE],
  );
  for (const { name } of tables.rows) {
    schema[name] = { columns: [], primaryKey: [], unique: [], foreignKeys: [], indexes: [], checks: 0 };
  }
  const table = (name: string): Table => {
    const t = schema[name];
    if (t === undefined) throw new Error(`catalogue names unknown table ${name}`);
    return t;
  };
  const columns = await client.query<{ table: string; name: string; type: string; nullable: string; dflt: string | null }>(
    `SELECT table_name AS table, column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> $1
     ORDER BY table_name, ordinal_position`,
    [RUNNER_TABLE],
  );
  for (const c of columns.rows) {
    table(c.table).columns.push({ name: c.name, type: familyOf(c.type), notNull: c.nullable === 'NO', hasDefault: c.dflt !== null });
  }
  const constraints = await client.query<{
    table: string;
    type: 'p' | 'u' | 'f' | 'c';
    columns: string[];
    ref: string | null;
    refColumns: string[] | null;
    onUpdate: string;
    onDelete: string;
  }>(
    `SELECT c.conrelid::regclass::text AS table, c.contype AS type, ${ATTNAMES('c.conkey', 'c.conrelid')} AS columns,
       c.confrelid::regclass::text AS ref,
       CASE WHEN c.contype = 'f' THEN ${ATTNAMES('c.confkey', 'c.confrelid')} END AS "refColumns",
       c.confupdtype AS "onUpdate", c.confdeltype AS "onDelete"
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c') AND c.conrelid <> 0`,
  );
  for (const c of constraints.rows) {
    const t = table(c.table);
    if (c.type === 'p') t.primaryKey = c.columns;
    else if (c.type === 'u') t.unique.push(c.columns.join(','));
    else if (c.type === 'c') t.checks++;
    else {
      const action = (code: string) => PG_ACTIONS[code] ?? `unknown ${code}`;
      t.foreignKeys.push(foreignKey(c.columns, c.ref ?? '?', c.refColumns ?? [], action(c.onUpdate), action(c.onDelete)));
    }
  }
  // Indexes that back a PRIMARY KEY or UNIQUE constraint are compared as those constraints.
  const indexes = await client.query<{ table: string; name: string; unique: boolean; columns: string[]; partial: boolean }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique,
       ${ATTNAMES('x.indkey', 'x.indrelid')} AS columns, x.indpred IS NOT NULL AS partial
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname <> $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))`,
    [RUNNER_TABLE],
  );
  for (const i of indexes.rows) table(i.table).indexes.push(index(i.name, i.unique, i.columns, i.partial));
  for (const t of Object.values(schema)) {
    t.unique.sort(byName);
    t.foreignKeys.sort(byName);
    t.indexes.sort(byName);
  }
  return schema;
}

/** Applies the PostgreSQL set in order, each file in its own transaction. */
async function applyPgSet(client: pg.Client): Promise<void> {
  for (const file of sqlFiles(PG_SET)) {
    await client.query('BEGIN');
    try {
      await client.query(readFileSync(join(PG_SET, file), 'utf8'));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

const postgres = withPostgres();
let dir: string;
let sqliteDb: Database;
let pgClient: pg.Client;
let sqliteSchema: Schema;
let pgSchema: Schema;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-pg-schema-'));
  sqliteDb = new BetterSqlite3(join(dir, 'deskprov.db'));
  migrate(sqliteDb);
  sqliteSchema = readSqliteSchema(sqliteDb);
  pgClient = await connect(await postgres().newDatabase());
  await applyPgSet(pgClient);
  pgSchema = await readPgSchema(pgClient);
}, 60_000);

afterAll(async () => {
  await pgClient?.end();
  sqliteDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const aspect = <K extends keyof Table>(schema: Schema, key: K): Record<string, Table[K]> =>
  Object.fromEntries(Object.entries(schema).map(([name, t]) => [name, t[key]]));

describe('PostgreSQL migrations mirror the SQLite migrations', () => {
  it('has a PostgreSQL file for every SQLite migration, with the same number and name, and no other', () => {
    const sqliteFiles = sqlFiles(SQLITE_SET);
    expect(sqliteFiles.length).toBeGreaterThan(0);
    expect(sqlFiles(PG_SET)).toEqual(sqliteFiles);
  });

  it('creates the same set of tables', () => {
    expect(Object.keys(sqliteSchema).length).toBeGreaterThan(0);
    expect(Object.keys(pgSchema).sort(byName)).toEqual(Object.keys(sqliteSchema).sort(byName));
  });

  it('gives every table the same columns in the same order, with the same type family, NOT NULL and default presence', () => {
    expect(aspect(pgSchema, 'columns')).toEqual(aspect(sqliteSchema, 'columns'));
  });

  it('gives every table the same primary key columns', () => {
    expect(aspect(pgSchema, 'primaryKey')).toEqual(aspect(sqliteSchema, 'primaryKey'));
  });

  it('has the same UNIQUE constraints', () => {
    expect(aspect(pgSchema, 'unique')).toEqual(aspect(sqliteSchema, 'unique'));
  });

  it('has the same foreign keys, with the same ON DELETE and ON UPDATE actions', () => {
    expect(aspect(pgSchema, 'foreignKeys')).toEqual(aspect(sqliteSchema, 'foreignKeys'));
  });

  it('has the same indexes by name, columns, uniqueness and partialness', () => {
    expect(aspect(pgSchema, 'indexes')).toEqual(aspect(sqliteSchema, 'indexes'));
  });

  it('has the same number of CHECK constraints per table', () => {
    expect(aspect(pgSchema, 'checks')).toEqual(aspect(sqliteSchema, 'checks'));
  });

  it('writes an installation row of the same shape: 32 lowercase hex digits and an ISO time with milliseconds', async () => {
    const sqliteRow = sqliteDb.prepare('SELECT id, created_at FROM installation').get() as { id: string; created_at: string };
    const pgRow = (await pgClient.query<{ id: string; created_at: string }>('SELECT id, created_at FROM installation')).rows;
    expect(pgRow).toHaveLength(1);
    for (const row of [sqliteRow, pgRow[0]]) {
      expect(row?.id).toMatch(/^[0-9a-f]{32}$/);
      expect(row?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(new Date(row?.created_at ?? '').toISOString()).toBe(row?.created_at);
    }
  });

  it('accepts and refuses the same rows: checks, partial unique indexes and foreign keys behave alike', async () => {
    const t = "'2026-01-01T00:00:00.000Z'";
    const site = (id: string, first: number, last: number, checkSync = 1) =>
      `INSERT INTO sites (id, name, timezone, networks, range_first, range_last, registrar, created_at, updated_at, check_sync_allowed)
       VALUES ('${id}', 'HQ', 'UTC', '[]', ${first}, ${last}, '{}', ${t}, ${t}, ${checkSync})`;
    const extension = (n: number, siteId: string, kind: string) =>
      `INSERT INTO extensions (number, site_id, kind, auth_user, secret, display_name, created_at, updated_at)
       VALUES (${n}, '${siteId}', '${kind}', 'u${n}', 'secret', 'Ext', ${t}, ${t})`;
    const device = (id: string, kind: string | null, ext: number | null, userId: string | null = null) =>
      `INSERT INTO devices (id, mac, model, state, binding_kind, user_id, extension_number, created_at, updated_at)
       VALUES ('${id}', '${id.padStart(12, '0')}', 'T54W', 'provisioned', ${kind === null ? 'NULL' : `'${kind}'`},
       ${userId === null ? 'NULL' : `'${userId}'`}, ${ext ?? 'NULL'}, ${t}, ${t})`;
    const statements = [
      site('bad', 200, 100),
      site('s1', 100, 199),
      site('s2', 200, 299, 2),
      extension(100, 's1', 'user'),
      extension(101, 's1', 'bogus'),
      extension(102, 'nowhere', 'standalone'),
      extension(103, 's1', 'standalone'),
      device('d1', 'standalone', null),
      device('d2', 'user', 100),
      device('d3', 'standalone', 103),
      device('d4', 'standalone', 103),
      device('d5', null, null),
      `INSERT INTO switches (id, name, host, port, snmp_version, credentials, uplink_ports, created_at, updated_at)
       VALUES ('w1', 'sw', '192.0.2.1', 0, '2c', '{}', '[]', ${t}, ${t})`,
      `INSERT INTO installation (singleton, id, created_at) VALUES (2, 'x', ${t})`,
      "DELETE FROM sites WHERE id = 's1'",
      "DELETE FROM devices WHERE id = 'd3'",
      "DELETE FROM sites WHERE id = 'bad'",
    ];
    const lite = new BetterSqlite3(join(dir, 'behaviour.db'));
    lite.pragma('foreign_keys = ON');
    migrate(lite);
    const other = await connect(await postgres().newDatabase());
    try {
      await applyPgSet(other);
      const sqliteOutcomes = statements.map((sql) => {
        try {
          return lite.prepare(sql).run().changes;
        } catch {
          return 'refused';
        }
      });
      const pgOutcomes: (number | 'refused')[] = [];
      for (const sql of statements) {
        pgOutcomes.push(await other.query(sql).then((r) => r.rowCount ?? 0, () => 'refused' as const));
      }
      expect(sqliteOutcomes).toContain('refused');
      expect(pgOutcomes).toEqual(sqliteOutcomes);
    } finally {
      lite.close();
      await other.end();
    }
  });

  it('tells a column added to only one set apart', async () => {
    const other = await connect(await postgres().newDatabase());
    try {
      await applyPgSet(other);
      await other.query('ALTER TABLE sites ADD COLUMN only_here TEXT');
      const drifted = await readPgSchema(other);
      expect(drifted.sites?.columns.map((c) => c.name)).toContain('only_here');
      expect(aspect(drifted, 'columns')).not.toEqual(aspect(sqliteSchema, 'columns'));
    } finally {
      await other.end();
    }
  });
});
