import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database as Db } from '../../server/store/database.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';
import { writeGenerationOf } from '../../server/store/write-generation.ts';
import type { Device } from '../../server/domain/device.ts';
import type { Site } from '../../server/domain/site.ts';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-generation-'));
  db = openDatabase(join(dir, 'deskprov.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const site = (id: string): Site => ({
  id,
  name: `Site ${id}`,
  timezone: 'UTC',
  networks: ['127.0.0.0/8'],
  extensionRange: { first: 100, last: 199 },
  registrar: { host: 'pbx.example.test', port: 5060, transport: 'udp' },
  tftpSecrets: false,
  checkSync: { allowed: true },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('write generation', () => {
  it('moves on a repository write and stays on reads', () => {
    const store = createSqliteStore(db);
    const generation = writeGenerationOf(db);
    const start = generation.current();
    store.sites.list({ limit: 10, offset: 0 });
    store.devices.getByMac('001122334455');
    expect(generation.current()).toBe(start);
    store.sites.insert(site('s1'));
    const afterWrite = generation.current();
    expect(afterWrite).toBeGreaterThan(start);
    store.sites.get('s1');
    expect(generation.current()).toBe(afterWrite);
  });

  it('keeps the number beyond config edits still through a profile edit and its config-revision bumps, and moves it on anything else', () => {
    const store = createSqliteStore(db);
    const generation = writeGenerationOf(db);
    store.sites.insert(site('s1'));
    const at = '2026-01-01T00:00:00.000Z';
    const profile = { id: 'p1', name: 'base', parentId: null, settings: { language: 'de' }, revision: 1, createdAt: at, updatedAt: at };
    const start = { any: generation.current(), beyond: generation.beyondConfigEdits() };
    store.profiles.insert(profile);
    store.profiles.update({ ...profile, settings: { language: 'fr' }, revision: 2 });
    store.devices.bumpConfigRevision(['p1'], at);
    store.devices.bumpConfigRevisionOf(['d1'], at);
    expect(generation.current()).toBe(start.any + 4);
    expect(generation.beyondConfigEdits()).toBe(start.beyond);
    // Every other write moves both: a site, a profile removed, a device row rewritten.
    store.sites.update({ ...site('s1'), name: 'Renamed' });
    expect(generation.beyondConfigEdits()).toBe(start.beyond + 1);
    store.profiles.delete('p1');
    expect(generation.beyondConfigEdits()).toBe(start.beyond + 2);
    expect(generation.current()).toBe(start.any + 6);
  });

  it('moves both numbers when a transaction rolls back, so nothing read or edited inside it is kept', () => {
    const store = createSqliteStore(db);
    const generation = writeGenerationOf(db);
    const start = { any: generation.current(), beyond: generation.beyondConfigEdits() };
    expect(() =>
      store.transaction(() => {
        store.sites.list({ limit: 1, offset: 0 });
        // A config edit alone leaves the second number; the rollback moves it.
        store.devices.bumpConfigRevision(['p1'], '2026-01-01T00:00:00.000Z');
        throw new Error('refused after reading');
      }),
    ).toThrow('refused after reading');
    expect(generation.current()).toBe(start.any + 2);
    expect(generation.beyondConfigEdits()).toBe(start.beyond + 1);
    expect(store.transaction(() => store.sites.list({ limit: 1, offset: 0 }).items.length)).toBe(0);
  });

  it('moves when another connection commits to the same file (a CLI, a second process)', async () => {
    const generation = writeGenerationOf(db);
    const start = generation.current();
    expect(generation.current()).toBe(start);
    const other = new Database(join(dir, 'deskprov.db'));
    other.exec('CREATE TABLE scratch (x INTEGER)');
    other.close();
    const beyond = generation.beyondConfigEdits();
    // Looked for at most every 20 ms.
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(generation.current()).toBeGreaterThan(start);
    // What the other connection wrote is not known: the rows beyond config edits are read again too.
    const other2 = new Database(join(dir, 'deskprov.db'));
    other2.exec('CREATE TABLE scratch2 (x INTEGER)');
    other2.close();
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(generation.beyondConfigEdits()).toBeGreaterThan(beyond);
  });

  it('moves when phone credentials are made or handed out, not when a served file is recorded', () => {
    const store = createSqliteStore(db);
    const phones = sqlitePhoneRepo(db);
    store.sites.insert(site('s1'));
    const generation = writeGenerationOf(db);
    const device: Device = {
      id: 'd1',
      mac: '001122334455',
      model: 'yealink/t54w',
      siteId: 's1',
      profileId: null,
      label: null,
      state: 'provisioned',
      binding: null,
      restorable: null,
      restoreUntil: null,
      configRevision: 1,
      agentTokenHash: null,
      lastSeen: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    store.devices.insert(device);
    const beforeCreds = generation.current();
    const at = '2026-01-01T00:00:00.000Z';
    const row = { deviceId: 'd1', username: '001122334455', secret: 's3cret-value', claimOpenUntil: null, handedOutAt: null, handedOutIp: null, createdAt: at, updatedAt: at };
    phones.ensureCredentials(row);
    const made = generation.current();
    expect(made).toBeGreaterThan(beforeCreds);
    phones.ensureCredentials(row); // already there: nothing written
    expect(generation.current()).toBe(made);
    phones.markHandedOut('d1', at, '127.0.0.1');
    const handedOut = generation.current();
    expect(handedOut).toBeGreaterThan(made);
    phones.recordServed([
      { deviceId: 'd1', file: '001122334455.cfg', revision: 'r', etag: '"e"', maskedBody: () => Buffer.from('x'), at, ip: '127.0.0.1', userAgent: null, firmware: null, transport: 'http', configRevision: 1 },
    ]);
    expect(generation.current()).toBe(handedOut);
  });
});
