import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/database.ts';
import { loadMigrations, migrate } from '../../server/store/migrate.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';

/**
 * Migration 500 on a database made before it: sites that existed keep pushing check-sync
 * (`checkSync.allowed` true), as they did before the switch existed.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-m500-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 500: per-site check-sync switch', () => {
  it('gives every site made before it checkSync.allowed true, and stores false once set', () => {
    const file = join(dir, 'deskprov.db');
    const old = new BetterSqlite3(file);
    migrate(old, loadMigrations().filter((m) => m.version < 500));
    // The row an older server wrote, with the columns it knew.
    old.prepare(`INSERT INTO sites (id, name, timezone, networks, range_first, range_last, registrar, tftp_secrets, created_at, updated_at)
      VALUES ('s1', 'HQ', 'Europe/Berlin', '[]', 100, 199, '{"host":"pbx.example.com"}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run();
    old.close();

    const db = openDatabase(file);
    try {
      const store = createSqliteStore(db);
      const site = store.sites.get('s1');
      expect(site?.checkSync).toEqual({ allowed: true });
      store.sites.update({ ...site!, checkSync: { allowed: false } });
      expect(store.sites.get('s1')?.checkSync).toEqual({ allowed: false });
    } finally {
      db.close();
    }
  });
});
