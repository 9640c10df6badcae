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

  it('moves when a transaction rolls back, so nothing read inside it is kept', () => {
    const store = createSqliteStore(db);
    const generation = writeGenerationOf(db);
    const start = generation.current();
    expect(() =>
      store.transaction(() => {
        store.sites.list({ limit: 1, offset: 0 });
        throw new Error('refused after reading');
      }),
    ).toThrow('refused after reading');
    expect(generation.current()).toBeGreaterThan(start);
    expect(store.transaction(() => store.sites.list({ limit: 1, offset: 0 }).items.length)).toBe(0);
  });

  it('moves when another connection commits to the same file (a CLI, a second process)', async () => {
    const generation = writeGenerationOf(db);
    const start = generation.current();
    expect(generation.current()).toBe(start);
    const other = new Database(join(dir, 'deskprov.db'));
    other.exec('CREATE TABLE scratch (x INTEGER)');
    other.close();
    // Looked for at most every 20 ms.
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(generation.current()).toBeGreaterThan(start);
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
