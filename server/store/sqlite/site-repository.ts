import type { SqlDatabase } from '../sql-database.ts';
import type { Site } from '../../domain/site.ts';
import type { Page, PageOf, SiteRepository } from '../repositories.ts';
import { pageOf, prepare, type Row, str } from './sql-helpers.ts';

function toSite(r: Row): Site {
  return {
    id: str(r.id),
    name: str(r.name),
    timezone: str(r.timezone),
    networks: JSON.parse(str(r.networks)) as string[],
    extensionRange: { first: Number(r.range_first), last: Number(r.range_last) },
    registrar: JSON.parse(str(r.registrar)) as Site['registrar'],
    tftpSecrets: r.tftp_secrets === 1,
    checkSync: { allowed: r.check_sync_allowed !== 0 },
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(s: Site): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    timezone: s.timezone,
    networks: JSON.stringify(s.networks),
    first: s.extensionRange.first,
    last: s.extensionRange.last,
    registrar: JSON.stringify(s.registrar),
    tftp: s.tftpSecrets ? 1 : 0,
    checkSync: s.checkSync.allowed ? 1 : 0,
    created: s.createdAt,
    updated: s.updatedAt,
  };
}

export function sqliteSites(db: SqlDatabase): SiteRepository {
  const insert = prepare(db, `INSERT INTO sites (id, name, timezone, networks, range_first, range_last, registrar,
    tftp_secrets, check_sync_allowed, created_at, updated_at) VALUES (@id, @name, @timezone, @networks, @first, @last,
    @registrar, @tftp, @checkSync, @created, @updated)`);
  const update = prepare(db, `UPDATE sites SET name = @name, timezone = @timezone, networks = @networks,
    range_first = @first, range_last = @last, registrar = @registrar, tftp_secrets = @tftp,
    check_sync_allowed = @checkSync, updated_at = @updated
    WHERE id = @id`);
  const get = prepare(db, 'SELECT * FROM sites WHERE id = ?');
  return {
    insert: (s) => void insert.run(params(s)),
    get: (id) => {
      const row = get.get(id) as Row | undefined;
      return row && toSite(row);
    },
    list: (page: Page): PageOf<Site> => pageOf(db, 'sites', { sql: '', params: [] }, 'created_at, id', page, toSite),
    update: (s) => void update.run(params(s)),
    delete: (id) => void prepare(db, 'DELETE FROM sites WHERE id = ?').run(id),
    isReferenced: (id) =>
      (
        prepare(
          db,
          
            `SELECT (EXISTS (SELECT 1 FROM users WHERE site_id = @v) OR EXISTS (SELECT 1 FROM devices WHERE site_id = @v)
             OR EXISTS (SELECT 1 FROM extensions WHERE site_id = @v)
             OR EXISTS (SELECT 1 FROM api_tokens WHERE site_id = @v)) AS used`,
          )
          .get({ v: id }) as { used: number }
      ).used === 1,
    overlapping: (first, last, exceptId) =>
      (
        prepare(
          db,
          'SELECT * FROM sites WHERE range_first <= ? AND range_last >= ? AND id IS DISTINCT FROM ?')
          .all(last, first, exceptId) as Row[]
      ).map(toSite),
  };
}
