import type { Database } from 'better-sqlite3';
import type { Extension } from '../../domain/extension.ts';
import type { ExtensionRepository } from '../repositories.ts';
import { pageOf, type Row, str, strOrNull, where } from './sql-helpers.ts';

function toExtension(r: Row): Extension {
  return {
    number: Number(r.number),
    siteId: str(r.site_id),
    kind: str(r.kind) as Extension['kind'],
    authUser: str(r.auth_user),
    secret: str(r.secret),
    displayName: str(r.display_name),
    outboundCallerId: strOrNull(r.outbound_caller_id),
    voicemail: r.voicemail === 1,
    retainedUntil: strOrNull(r.retained_until),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(e: Extension): Record<string, unknown> {
  return {
    number: e.number,
    site: e.siteId,
    kind: e.kind,
    authUser: e.authUser,
    secret: e.secret,
    displayName: e.displayName,
    callerId: e.outboundCallerId,
    voicemail: e.voicemail ? 1 : 0,
    retained: e.retainedUntil,
    created: e.createdAt,
    updated: e.updatedAt,
  };
}

export function sqliteExtensions(db: Database): ExtensionRepository {
  const insert = db.prepare(`INSERT INTO extensions (number, site_id, kind, auth_user, secret, display_name,
    outbound_caller_id, voicemail, retained_until, created_at, updated_at) VALUES (@number, @site, @kind, @authUser,
    @secret, @displayName, @callerId, @voicemail, @retained, @created, @updated)`);
  const update = db.prepare(`UPDATE extensions SET site_id = @site, kind = @kind, auth_user = @authUser,
    secret = @secret, display_name = @displayName, outbound_caller_id = @callerId, voicemail = @voicemail,
    retained_until = @retained, updated_at = @updated WHERE number = @number`);
  const get = db.prepare('SELECT * FROM extensions WHERE number = ?');
  const taken = db.prepare('SELECT number FROM extensions WHERE number BETWEEN ? AND ? ORDER BY number').pluck();
  const inUse = db
    .prepare(
      `SELECT (EXISTS (SELECT 1 FROM users WHERE extension_number = @v)
        OR EXISTS (SELECT 1 FROM devices WHERE extension_number = @v)) AS used`,
    )
    .pluck();
  return {
    insert: (e) => void insert.run(params(e)),
    get: (n) => {
      const row = get.get(n) as Row | undefined;
      return row && toExtension(row);
    },
    list: (filter, page) =>
      pageOf(
        db,
        'extensions',
        where([
          ['site_id = ?', filter.siteId],
          ['kind = ?', filter.kind],
        ]),
        'number',
        page,
        toExtension,
      ),
    update: (e) => void update.run(params(e)),
    delete: (n) => void db.prepare('DELETE FROM extensions WHERE number = ?').run(n),
    takenInRange: (first, last) => taken.all(first, last) as number[],
    retainedBefore: (nowIso) =>
      db
        .prepare('SELECT number FROM extensions WHERE retained_until IS NOT NULL AND retained_until <= ? ORDER BY number')
        .pluck()
        .all(nowIso) as number[],
    isInUse: (n) => inUse.get({ v: n }) === 1,
  };
}
