import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/database.ts';
import { loadMigrations, migrate } from '../../server/store/migrate.ts';
import { secretBoxOf } from '../../server/store/secret-box.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file in WAL mode with foreign keys on and every shipped migration recorded', () => {
    const db = openDatabase(join(dir, 'deskprov.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(loadMigrations().map((m) => m.version));
    db.close();
  });

  it('applies nothing on a second open and keeps the data', () => {
    const file = join(dir, 'deskprov.db');
    const first = openDatabase(file);
    first.prepare("INSERT INTO numbers (e164, region, created_at, updated_at) VALUES ('+4930123', 'DE', 'x', 'x')").run();
    first.close();
    const again = openDatabase(file);
    expect(migrate(again)).toEqual([]);
    expect(again.prepare('SELECT count(*) FROM numbers').pluck().get()).toBe(1);
    again.close();
  });

  it('rolls back every migration of a run when one fails', () => {
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '001-good.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(migrations, '002-bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = openDatabase(':memory:');
    const before = db.prepare('SELECT count(*) FROM schema_migrations').pluck().get();
    expect(() => migrate(db, loadMigrations(migrations))).toThrow(/nowhere/);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(before);
    db.close();
  });

  it('refuses rows that break foreign keys', () => {
    const db = openDatabase(':memory:');
    expect(() =>
      db
        .prepare(
          `INSERT INTO users (id, name, email, role, site_id, licensed, extension_number, created_at, updated_at)
           VALUES ('u', 'n', 'e', 'user', 'no-site', 1, 1, 'x', 'x')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('the secret key shared by instances', () => {
  it('derives the same Digest nonce key in two data folders holding a copy of one key file', () => {
    const other = mkdtempSync(join(tmpdir(), 'deskprov-db-copy-'));
    try {
      const a = openDatabase(join(dir, 'deskprov.db'));
      copyFileSync(join(dir, 'secret.key'), join(other, 'secret.key'));
      const b = openDatabase(join(other, 'deskprov.db'));
      const fresh = mkdtempSync(join(tmpdir(), 'deskprov-db-fresh-'));
      const c = openDatabase(join(fresh, 'deskprov.db'));
      expect(secretBoxOf(a).derive('digest-nonce').equals(secretBoxOf(b).derive('digest-nonce'))).toBe(true);
      expect(secretBoxOf(a).derive('digest-nonce').equals(secretBoxOf(c).derive('digest-nonce'))).toBe(false);
      for (const db of [a, b, c]) db.close();
      rmSync(fresh, { recursive: true, force: true });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
