import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { SYSTEM } from '../../server/services/context.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase, openStoreDatabase } from '../../server/store/database.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';
import type { SqlDatabase } from '../../server/store/sql-database.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';
import { runBin } from '../setup/cli-process.ts';
import { withPostgres } from '../setup/postgres.ts';
import { mac } from './helpers/fixtures.ts';

/**
 * `deskprov migrate` for real: a SQLite data folder filled through the services, the published
 * CLI entry run as a child process, and the PostgreSQL target read back through the repositories.
 */

const REPO = join(import.meta.dirname, '..', '..');
const STANDALONE_DEVICES = 600; // more rows than one INSERT batch holds
const PAGE = { limit: 10_000, offset: 0 };

const cluster = withPostgres();
let dir: string;
let dbFile: string;

/** What the services wrote, read back from SQLite before the copy. */
interface Written {
  sipSecret: string;
  sipExtension: number;
  httpSecret: string;
  servedBody: Buffer;
  userDeviceId: string;
  maxSeq: number;
}
let written: Written;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-migrate-'));
  dbFile = join(dir, 'deskprov.db');
  written = fillSqlite(dbFile);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fillSqlite(file: string): Written {
  const db = openDatabase(file);
  try {
    const services = createServices({ db, catalog: readCatalog(join(REPO, 'firmware-profiles')) });
    services.tokens.ensureBootstrap();
    const site = services.sites.create(SYSTEM, {
      name: 'Berlin HQ',
      timezone: 'Europe/Berlin',
      networks: ['10.1.0.0/16'],
      extensionRange: { first: 200, last: 999 },
      registrar: { host: 'pbx.example.com', port: 5060, transport: 'udp' },
    });
    const ana = services.users.create(SYSTEM, { name: 'Ana <&> 🙂', email: 'ana@example.com', siteId: site.id });
    const ben = services.users.create(SYSTEM, { name: 'Ben', email: 'ben@example.com', siteId: site.id, role: 'admin' });
    // The child is inserted before its parent: the copy must still put the parent first.
    const child = services.profiles.create(SYSTEM, { name: 'Quiet', settings: { network: { lldp: true } } });
    const parent = services.profiles.create(SYSTEM, { name: 'Base', settings: { language: 'de' } });
    services.profiles.update(SYSTEM, child.id, 'any', { parentId: parent.id });
    // numbers.extension_number and extensions.outbound_caller_id point at each other.
    services.numbers.create(SYSTEM, { e164: '+4930123456', region: 'DE', callerIdName: 'Reception', extension: ana.extensionNumber });
    services.extensions.update(SYSTEM, ana.extensionNumber, { outboundCallerId: '+4930123456' });
    const userDevice = services.devices.create(SYSTEM, { mac: mac(1), model: 'yealink/t54w', siteId: site.id, userId: ana.id, profileId: child.id });
    services.devices.create(SYSTEM, { mac: mac(2), model: 'yealink/t54w', siteId: site.id, userId: ben.id });
    for (let n = 0; n < STANDALONE_DEVICES; n++) {
      services.devices.create(SYSTEM, { mac: mac(100 + n), model: 'yealink/t54w', siteId: site.id, standalone: true, label: `Desk ${n}` });
    }
    services.tokens.create(SYSTEM, { name: 'site install', role: 'installer', siteId: site.id });

    const phones = sqlitePhoneRepo(db);
    const at = new Date().toISOString();
    const httpSecret = 'http-secret-0123456789';
    phones.ensureCredentials({
      deviceId: userDevice.id, username: 'dp-001565000001', secret: httpSecret,
      claimOpenUntil: null, handedOutAt: null, handedOutIp: null, createdAt: at, updatedAt: at,
    });
    const servedBody = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0a, 0x00, 0x7f]);
    phones.recordServed([{
      deviceId: userDevice.id, file: '001565000001.cfg', revision: '1', etag: '"e1"', maskedBody: () => servedBody, at,
      ip: '10.1.0.5', userAgent: 'Yealink SIP-T54W', firmware: '96.86.0.70', transport: 'http', configRevision: userDevice.configRevision,
    }]);

    const sip = services.extensions.revealSecret(SYSTEM, ana.extensionNumber);
    const maxSeq = db.prepare('SELECT MAX(seq) FROM audit_events').pluck().get() as number;
    return { sipSecret: sip.secret, sipExtension: ana.extensionNumber, httpSecret, servedBody, userDeviceId: userDevice.id, maxSeq };
  } finally {
    db.close();
  }
}

/** Every table of the SQLite file but the migrations' bookkeeping (and SQLite's own). */
function copiedTables(db: SqlDatabase): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
}

function countRows(db: SqlDatabase, tables: readonly string[]): Record<string, number> {
  return Object.fromEntries(tables.map((t) => [t, Number(db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get())]));
}

/** Every row of a table as sorted JSON (keys sorted too), BLOBs as hex: equal on both engines when copied exactly. */
function tableContent(db: SqlDatabase, table: string): string[] {
  return db
    .prepare(`SELECT * FROM "${table}"`)
    .all()
    .map((row) => {
      const entries = Object.entries(row as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
      return JSON.stringify(entries.map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v]));
    })
    .sort();
}

/** Everything the repositories read back, sorted so neither engine's listing order matters. */
function readBack(db: SqlDatabase) {
  const store = createSqliteStore(db);
  const byKey = <T>(items: T[], key: (item: T) => string | number) => [...items].sort((a, b) => String(key(a)).localeCompare(String(key(b))));
  return {
    sites: byKey(store.sites.list(PAGE).items, (s) => s.id),
    users: byKey(store.users.list({}, PAGE).items, (u) => u.id),
    devices: byKey(store.devices.list({}, PAGE).items, (d) => d.id),
    profiles: byKey(store.profiles.list(PAGE).items, (p) => p.id),
    extensions: byKey(store.extensions.list({}, PAGE).items, (e) => e.number),
    numbers: byKey(store.numbers.list(PAGE).items, (n) => n.e164),
    tokens: byKey(store.tokens.list(PAGE).items, (t) => t.id),
    audit: byKey(store.audit.list({}, PAGE).items, (a) => a.seq),
  };
}

async function withTarget<T>(databaseUrl: string, read: (db: SqlDatabase) => T): Promise<T> {
  const db = await openStoreDatabase({ dataDir: dir, databaseUrl });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function withSource<T>(read: (db: SqlDatabase) => T): T {
  const db = openDatabase(dbFile);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

// Each CLI run is a fresh Node process and the fill writes hundreds of rows: generous limits.
describe('deskprov migrate', { timeout: 180_000 }, () => {
  let url: string;

  it('copies every table into PostgreSQL, where the repositories read back the same data', async () => {
    url = await cluster().newDatabase();
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`, '--to', url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^TABLE\s+SQLITE\s+POSTGRESQL/m);
    expect(run.stdout).toMatch(/^devices\s+602\s+602$/m);
    expect(run.stdout).toMatch(/copied \d+ rows in \d+ tables in [\d.]+ s; row counts match/);

    const source = withSource((db) => ({
      tables: copiedTables(db),
      data: readBack(db),
      content: Object.fromEntries(copiedTables(db).map((t) => [t, tableContent(db, t)])),
    }));
    expect(source.data.devices).toHaveLength(STANDALONE_DEVICES + 2);
    const target = await withTarget(url, (db) => ({
      data: readBack(db),
      content: Object.fromEntries(source.tables.map((t) => [t, tableContent(db, t)])),
    }));
    expect(target.data).toEqual(source.data);
    // Every column of every row, not only what the repositories map: sealed text, BLOBs, the cycle's keys.
    for (const table of source.tables) expect({ table, rows: target.content[table] }).toEqual({ table, rows: source.content[table] });
    expect(target.data.profiles.find((p) => p.name === 'Quiet')?.parentId).toBe(target.data.profiles.find((p) => p.name === 'Base')?.id);
  });

  it('keeps secrets sealed with the same key, BLOBs as bytes, and continues the audit sequence', async () => {
    const stored = await withTarget(url, (db) => {
      const store = createSqliteStore(db);
      const phones = sqlitePhoneRepo(db);
      const sealed = db.prepare('SELECT secret FROM extensions WHERE number = ?').pluck().get(written.sipExtension) as string;
      const next = store.transaction(() =>
        store.audit.append({
          at: new Date().toISOString(), actorId: null, actorName: 'system', action: 'test.after-migrate',
          entityType: 'test', entityId: 'x', before: null, after: null,
        }),
      );
      return {
        sealed,
        sipSecret: store.extensions.get(written.sipExtension)?.secret,
        httpSecret: phones.credentialsOf(written.userDeviceId)?.secret,
        servedBody: phones.lastServed(written.userDeviceId, '001565000001.cfg')?.maskedBody,
        nextSeq: next.seq,
      };
    });
    expect(stored.sealed).toMatch(/^enc1:[0-9a-f]+:/);
    expect(stored.sealed).not.toContain(written.sipSecret);
    expect(stored.sipSecret).toBe(written.sipSecret);
    expect(stored.httpSecret).toBe(written.httpSecret);
    expect(stored.servedBody?.equals(written.servedBody)).toBe(true);
    expect(stored.nextSeq).toBe(written.maxSeq + 1);
  });

  it('has the same row count in every table on both engines', async () => {
    const tables = withSource(copiedTables);
    const sourceCounts = withSource((db) => countRows(db, tables));
    const targetCounts = await withTarget(url, (db) => countRows(db, tables));
    // The audit row the previous test appended is the only difference.
    expect(targetCounts).toEqual({ ...sourceCounts, audit_events: (sourceCounts.audit_events ?? 0) + 1 });
  });

  it('refuses with exit 1 to copy into a database that already holds data, changing nothing', async () => {
    const tables = withSource(copiedTables);
    const before = await withTarget(url, (db) => countRows(db, tables));
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`, '--to', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already holds deskprov data/);
    expect(run.stdout).toBe('');
    expect(await withTarget(url, (db) => countRows(db, tables))).toEqual(before);
  });

  it('takes the target from DESKPROV_DB when --to is absent', async () => {
    const other = await cluster().newDatabase();
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`], { DESKPROV_DB: other });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tables = withSource(copiedTables);
    expect(await withTarget(other, (db) => countRows(db, tables))).toEqual(withSource((db) => countRows(db, tables)));
  });

  it('refuses a target whose schema lacks a column of the source, copying nothing', async () => {
    const other = await cluster().newDatabase();
    const installation = await withTarget(other, (db) => {
      db.exec('ALTER TABLE devices DROP COLUMN last_ua');
      return db.prepare('SELECT id FROM installation').pluck().get();
    });
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`, '--to', other]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('table devices lacks column(s) last_ua');
    const tables = withSource(copiedTables);
    const after = await withTarget(other, (db) => ({ counts: countRows(db, tables), installation: db.prepare('SELECT id FROM installation').pluck().get() }));
    expect(after.counts).toEqual(Object.fromEntries(tables.map((t) => [t, t === 'installation' ? 1 : 0])));
    expect(after.installation).toBe(installation);
  });

  it('rolls the whole copy back when a row fails part-way, leaving the target empty', async () => {
    const other = await cluster().newDatabase();
    // The last device fails to insert, after sites, extensions and users went in.
    await withTarget(other, (db) => db.exec(`ALTER TABLE devices ADD CHECK (label IS DISTINCT FROM 'Desk ${STANDALONE_DEVICES - 1}')`));
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`, '--to', other]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*check constraint/m);
    const tables = withSource(copiedTables);
    const counts = await withTarget(other, (db) => countRows(db, tables));
    expect(counts).toEqual(Object.fromEntries(tables.map((t) => [t, t === 'installation' ? 1 : 0])));
  });

  it('exits 1 with a clear message for a --from file that does not exist, creating nothing', async () => {
    const missing = join(dir, 'nowhere', 'deskprov.db');
    const run = await runBin(['migrate', '--from', `sqlite:${missing}`, '--to', await cluster().newDatabase()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no SQLite database at ${missing}`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('exits 1 for a --from that is not sqlite:<path>', async () => {
    const run = await runBin(['migrate', '--from', dbFile, '--to', await cluster().newDatabase()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--from must be sqlite:<path to deskprov.db>');
  });

  it('exits 1 for a --to that is not a PostgreSQL URL, without repeating its password', async () => {
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`, '--to', 'mysql://root:hunter2-secret@127.0.0.1/deskprov']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--to must be a postgres:// or postgresql:// URL');
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });

  it('reports a PostgreSQL connection failure without the password of the URL', async () => {
    const target = new URL(cluster().url);
    target.password = 'hunter2-secret';
    target.pathname = '/no_such_database';
    const run = await runBin(['migrate', '--from', `sqlite:${dbFile}`], { DESKPROV_DB: target.toString() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*no_such_database/m);
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });
});
