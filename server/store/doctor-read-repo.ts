import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { PostgresDatabase } from './postgres/postgres-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { tableNames } from './sqlite/sql-helpers.ts';

/**
 * Read-only looks into a data folder's database for `deskprov doctor`: it opens the file without
 * migrating, resealing or writing anything, so it is safe beside a running server and on a copy.
 */

/**
 * Why the database is not ok: `missing` (no file, or a PostgreSQL database without deskprov's
 * tables: the server never ran with it), `unreadable` (the file exists but this user may not open
 * it), `damaged` (SQLite says so), `unreachable` (PostgreSQL does not answer or refuses the login).
 */
export type IntegrityResult =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'unreadable' | 'damaged' | 'unreachable'; problems: string[] };

/** SQLite's answer when it cannot open a file (permissions, or a folder it may not write -shm into). */
const CANNOT_OPEN = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH', 'EACCES']);
const failure = (err: unknown): IntegrityResult => ({
  ok: false,
  reason: CANNOT_OPEN.has((err as { code?: string }).code ?? '') ? 'unreadable' : 'damaged',
  problems: [(err as Error).message],
});

export interface InventoryGaps {
  sitesWithoutNetworks: Array<{ id: string; name: string }>;
  sitesWithoutRegistrar: Array<{ id: string; name: string }>;
  devicesWithoutLocation: Array<{ mac: string; siteId: string | null }>;
}

export interface DoctorDatabaseFacts {
  integrity: IntegrityResult;
  /** Null when the database could not be read (missing, damaged, or from another program). */
  inventory: InventoryGaps | null;
}

const colon = (mac: string): string => mac.match(/../g)?.join(':') ?? mac;

/** `PRAGMA integrity_check` plus the inventory gaps, on a read-only connection. */
export function readDoctorDatabase(file: string): DoctorDatabaseFacts {
  if (!existsSync(file)) return { integrity: { ok: false, reason: 'missing', problems: [`no file ${file}`] }, inventory: null };
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { integrity: failure(err), inventory: null };
  }
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
    if (problems.length > 0) return { integrity: { ok: false, reason: 'damaged', problems }, inventory: null };
    return { integrity: { ok: true }, inventory: inventoryGaps(db) };
  } catch (err) {
    return { integrity: failure(err), inventory: null };
  } finally {
    db.close();
  }
}

/**
 * The same facts from the PostgreSQL database several instances share (`DESKPROV_DB`): whether it
 * answers, whether deskprov's tables are there, and the inventory gaps. Reads only.
 */
export function readDoctorPostgres(url: string): DoctorDatabaseFacts {
  let db: PostgresDatabase;
  try {
    db = new PostgresDatabase(url, { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 });
  } catch (err) {
    return { integrity: { ok: false, reason: 'unreachable', problems: [(err as Error).message] }, inventory: null };
  }
  try {
    if (!hasTable(db, 'schema_migrations')) {
      return { integrity: { ok: false, reason: 'missing', problems: ['no deskprov tables in this database'] }, inventory: null };
    }
    return { integrity: { ok: true }, inventory: inventoryGaps(db) };
  } catch (err) {
    return { integrity: { ok: false, reason: 'unreachable', problems: [(err as Error).message] }, inventory: null };
  } finally {
    db.close();
  }
}

function hasTable(db: SqlDatabase, name: string): boolean {
  return tableNames(db).includes(name);
}

function inventoryGaps(db: SqlDatabase): InventoryGaps | null {
  if (!hasTable(db, 'sites')) return null;
  const sites = db.prepare('SELECT id, name, networks, registrar FROM sites ORDER BY name').all() as Array<{
    id: string;
    name: string;
    networks: string;
    registrar: string;
  }>;
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  };
  const sitesWithoutNetworks = sites
    .filter((site) => {
      const networks = parse(site.networks);
      return !Array.isArray(networks) || networks.length === 0;
    })
    .map(({ id, name }) => ({ id, name }));
  const sitesWithoutRegistrar = sites
    .filter((site) => {
      const registrar = parse(site.registrar) as { host?: unknown } | null;
      return typeof registrar?.host !== 'string' || registrar.host.trim() === '';
    })
    .map(({ id, name }) => ({ id, name }));
  // A device in service is located when an admin assigned a location, its last report resolved
  // one, or its site has a default location (docs/E911.md resolution order).
  const devices = db
    .prepare(
      `SELECT d.mac, d.site_id AS "siteId" FROM devices d
         LEFT JOIN e911_device_state s ON s.device_id = d.id
        WHERE d.state = 'provisioned'
          AND s.assigned_location_id IS NULL
          AND (s.resolution IS NULL OR json_extract(s.resolution, '$.locationId') IS NULL)
          AND NOT EXISTS (SELECT 1 FROM e911_locations l WHERE l.site_id = d.site_id AND l.is_default = 1)
        ORDER BY d.mac`,
    )
    .all() as Array<{ mac: string; siteId: string | null }>;
  return {
    sitesWithoutNetworks,
    sitesWithoutRegistrar,
    devicesWithoutLocation: devices.map((device) => ({ mac: colon(device.mac), siteId: device.siteId })),
  };
}
