import type { SqlDatabase } from '../sql-database.ts';
import type { Extension } from '../../domain/extension.ts';
import type { ExtensionRepository } from '../repositories.ts';
import { secretBoxOf, type SecretBox } from '../secret-box.ts';
import { pageOf, prepare, type Row, str, strOrNull, where } from './sql-helpers.ts';

function rowToExtension(r: Row, box: SecretBox): Extension {
  return {
    number: Number(r.number),
    siteId: str(r.site_id),
    kind: str(r.kind) as Extension['kind'],
    authUser: str(r.auth_user),
    secret: box.open(str(r.secret)),
    displayName: str(r.display_name),
    outboundCallerId: strOrNull(r.outbound_caller_id),
    voicemail: r.voicemail === 1,
    retainedUntil: strOrNull(r.retained_until),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(e: Extension, box: SecretBox): Record<string, unknown> {
  return {
    number: e.number,
    site: e.siteId,
    kind: e.kind,
    authUser: e.authUser,
    secret: box.seal(e.secret),
    displayName: e.displayName,
    callerId: e.outboundCallerId,
    voicemail: e.voicemail ? 1 : 0,
    retained: e.retainedUntil,
    created: e.createdAt,
    updated: e.updatedAt,
  };
}

export function sqliteExtensions(db: SqlDatabase): ExtensionRepository {
  const box = secretBoxOf(db);
  const toExtension = (r: Row): Extension => rowToExtension(r, box);
  const insert = prepare(db, `INSERT INTO extensions (number, site_id, kind, auth_user, secret, display_name,
    outbound_caller_id, voicemail, retained_until, created_at, updated_at) VALUES (@number, @site, @kind, @authUser,
    @secret, @displayName, @callerId, @voicemail, @retained, @created, @updated)`);
  const update = prepare(db, `UPDATE extensions SET site_id = @site, kind = @kind, auth_user = @authUser,
    secret = @secret, display_name = @displayName, outbound_caller_id = @callerId, voicemail = @voicemail,
    retained_until = @retained, updated_at = @updated WHERE number = @number`);
  const get = prepare(db, 'SELECT * FROM extensions WHERE number = ?');
  const takenList = prepare(db, 'SELECT number FROM extensions WHERE number BETWEEN ? AND ? ORDER BY number').pluck();
  const inUse = prepare(
    db,
    `SELECT (EXISTS (SELECT 1 FROM users WHERE extension_number = @v)
      OR EXISTS (SELECT 1 FROM devices WHERE extension_number = @v)) AS used`,
  ).pluck();
  // Lowest free number (domain `lowestFree`). Ranges usually fill from the bottom without gaps,
  // so count and max answer most calls; otherwise walk the primary-key index to the first gap.
  const stats = prepare(db, 'SELECT count(*) AS n, max(number) AS top FROM extensions WHERE number BETWEEN @first AND @last');
  const firstGap = prepare(
    db,
    `SELECT number + 1 FROM extensions e WHERE number BETWEEN @first AND @last
       AND NOT EXISTS (SELECT 1 FROM extensions f WHERE f.number = e.number + 1) ORDER BY number LIMIT 1`,
  ).pluck();
  function lowestFree(first: number, last: number): number | null {
    const { n, top } = stats.get({ first, last }) as { n: number; top: number | null };
    if (top === null || !taken(first)) return first;
    const candidate = top - first + 1 === n ? top + 1 : (firstGap.get({ first, last }) as number);
    return candidate <= last ? candidate : null;
  }
  const exists = prepare(db, 'SELECT 1 FROM extensions WHERE number = ?').pluck();
  const taken = (n: number): boolean => exists.get(n) !== undefined;
  return {
    insert: (e) => void insert.run(params(e, box)),
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
    update: (e) => void update.run(params(e, box)),
    delete: (n) => void prepare(db, 'DELETE FROM extensions WHERE number = ?').run(n),
    takenInRange: (first, last) => takenList.all(first, last) as number[],
    retainedBefore: (nowIso) =>
      prepare(db, 'SELECT number FROM extensions WHERE retained_until IS NOT NULL AND retained_until <= ? ORDER BY number')
        .pluck()
        .all(nowIso) as number[],
    lowestFree,
    isInUse: (n) => inUse.get({ v: n }) === 1,
  };
}
