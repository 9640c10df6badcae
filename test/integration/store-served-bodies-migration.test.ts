import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/database.ts';
import { loadMigrations, migrate } from '../../server/store/migrate.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';

/**
 * Migration 930 on a database made before it: each served file's masked body moves to its own
 * table, byte for byte, and the next fetch of an unchanged file does not ask for it again.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-m930-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 930: masked bodies in their own table', () => {
  it('keeps every served file with its body, and a later unchanged fetch leaves the body alone', () => {
    const file = join(dir, 'deskprov.db');
    const body = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x0a, 0x3d]);
    const old = new BetterSqlite3(file);
    migrate(old, loadMigrations().filter((m) => m.version < 930));
    // The rows an older server wrote, with the columns it knew.
    old.prepare(`INSERT INTO devices (id, mac, model, state, created_at, updated_at)
      VALUES ('d1', '001565aabbcc', 'yealink/t54w', 'discovered', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run();
    old.prepare(`INSERT INTO device_served_files (device_id, file, revision, etag, masked_body, at, ip, user_agent, firmware, transport)
      VALUES ('d1', '001565aabbcc.cfg', 'r1', '"e1"', ?, '2026-01-01T00:00:00.000Z', '10.0.0.5', 'Yealink', NULL, 'http')`).run(body);
    old.close();

    const db = openDatabase(file);
    try {
      const phones = sqlitePhoneRepo(db);
      expect(phones.lastServed('d1', '001565aabbcc.cfg')).toMatchObject({ revision: 'r1', etag: '"e1"', maskedBody: body, ip: '10.0.0.5' });
      const columns = (db.prepare("SELECT name FROM pragma_table_info('device_served_files')").pluck().all() as string[]).sort();
      expect(columns).not.toContain('masked_body');
      phones.recordServed([
        {
          deviceId: 'd1', file: '001565aabbcc.cfg', revision: 'r1', etag: '"e1"', at: '2026-01-02T00:00:00.000Z', ip: '10.0.0.6',
          userAgent: 'Yealink', firmware: null, transport: 'http', configRevision: 1,
          maskedBody: () => {
            throw new Error('an unchanged file does not render its masked body again');
          },
        },
      ]);
      expect(phones.lastServed('d1', '001565aabbcc.cfg')).toMatchObject({ at: '2026-01-02T00:00:00.000Z', ip: '10.0.0.6', maskedBody: body });
    } finally {
      db.close();
    }
  });
});
