import type { SqlDatabase } from '../sql-database.ts';
import type { Device, DeviceState, RestorableBinding } from '../../domain/device.ts';
import type { DeviceRepository } from '../repositories.ts';
import { likeSubstring, numOrNull, pageOf, prepare, type Row, str, strOrNull, where } from './sql-helpers.ts';

function toDevice(r: Row): Device {
  return {
    id: str(r.id),
    mac: str(r.mac),
    model: str(r.model),
    siteId: strOrNull(r.site_id),
    profileId: strOrNull(r.profile_id),
    label: strOrNull(r.label),
    state: str(r.state) as DeviceState,
    binding:
      r.binding_kind === null
        ? null
        : {
            kind: str(r.binding_kind) as 'user' | 'standalone',
            userId: strOrNull(r.user_id),
            extensionNumber: Number(r.extension_number),
          },
    restorable: r.restorable === null ? null : (JSON.parse(str(r.restorable)) as RestorableBinding),
    restoreUntil: strOrNull(r.restore_until),
    configRevision: Number(r.config_revision),
    agentTokenHash: strOrNull(r.agent_token_hash),
    lastSeen:
      r.last_seen_at === null
        ? null
        : {
            at: str(r.last_seen_at),
            ip: strOrNull(r.last_ip),
            userAgent: strOrNull(r.last_ua),
            firmware: strOrNull(r.last_firmware),
            file: strOrNull(r.last_file),
            servedRevision: numOrNull(r.last_served_revision),
          },
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(d: Device): Record<string, unknown> {
  return {
    id: d.id,
    mac: d.mac,
    model: d.model,
    site: d.siteId,
    profile: d.profileId,
    label: d.label,
    state: d.state,
    kind: d.binding?.kind ?? null,
    user: d.binding?.userId ?? null,
    ext: d.binding?.extensionNumber ?? null,
    restorable: d.restorable === null ? null : JSON.stringify(d.restorable),
    restoreUntil: d.restoreUntil,
    revision: d.configRevision,
    agent: d.agentTokenHash,
    seenAt: d.lastSeen?.at ?? null,
    ip: d.lastSeen?.ip ?? null,
    ua: d.lastSeen?.userAgent ?? null,
    firmware: d.lastSeen?.firmware ?? null,
    file: d.lastSeen?.file ?? null,
    served: d.lastSeen?.servedRevision ?? null,
    created: d.createdAt,
    updated: d.updatedAt,
  };
}

const COLUMNS = `id, mac, model, site_id, profile_id, label, state, binding_kind, user_id, extension_number,
  restorable, restore_until, config_revision, agent_token_hash, last_seen_at, last_ip, last_ua, last_firmware,
  last_file, last_served_revision, created_at, updated_at`;
const VALUES = `@id, @mac, @model, @site, @profile, @label, @state, @kind, @user, @ext, @restorable, @restoreUntil,
  @revision, @agent, @seenAt, @ip, @ua, @firmware, @file, @served, @created, @updated`;

export function sqliteDevices(db: SqlDatabase): DeviceRepository {
  const insert = prepare(db, `INSERT INTO devices (${COLUMNS}) VALUES (${VALUES})`);
  const update = prepare(db, `UPDATE devices SET (${COLUMNS}) = (${VALUES}) WHERE id = @id`);
  const one = (sql: string, v: unknown): Device | undefined => {
    const row = prepare(db, sql).get(v) as Row | undefined;
    return row && toDevice(row);
  };
  const many = (sql: string, ...v: unknown[]): Device[] => (prepare(db, sql).all(...v) as Row[]).map(toDevice);
  /** Moves the config revision of the devices whose `column` is one of `ids`; returns how many. */
  const bumpWhere = (column: 'id' | 'profile_id', ids: readonly string[], at: string): number =>
    prepare(
      db,
      `UPDATE devices SET config_revision = config_revision + 1, updated_at = ?
       WHERE ${column} IN (SELECT value FROM json_each(?))`,
    ).run(at, JSON.stringify(ids)).changes;
  return {
    insert: (d) => void insert.run(params(d)),
    get: (id) => one('SELECT * FROM devices WHERE id = ?', id),
    getByMac: (mac) => one('SELECT * FROM devices WHERE mac = ?', mac),
    getByAgentTokenHash: (hash) => one('SELECT * FROM devices WHERE agent_token_hash = ?', hash),
    list: (filter, page) => {
      const q = filter.q === undefined ? undefined : likeSubstring(filter.q);
      const w = where([
        ['state = ?', filter.state],
        ['site_id = ?', filter.siteId],
        ['model = ?', filter.model],
        ['user_id = ?', filter.userId],
        ["(mac LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\')", q],
      ]);
      if (q !== undefined) w.params.push(q);
      return pageOf(db, 'devices', w, 'created_at, id', page, toDevice);
    },
    listForUser: (userId) =>
      many(
        `SELECT * FROM devices WHERE user_id = @v OR json_extract(restorable, '$.userId') = @v ORDER BY created_at, id`,
        { v: userId },
      ),
    restoreExpired: (nowIso) =>
      many('SELECT * FROM devices WHERE restore_until IS NOT NULL AND restore_until <= ? ORDER BY id', nowIso),
    update: (d) => void update.run(params(d)),
    delete: (id) => void prepare(db, 'DELETE FROM devices WHERE id = ?').run(id),
    usingExtension: (n) =>
      many(
        `SELECT * FROM devices WHERE extension_number = @v OR CAST(json_extract(restorable, '$.extensionNumber') AS INTEGER) = @v`,
        { v: n },
      ),
    usingProfile: (id) => prepare(db, 'SELECT count(*) FROM devices WHERE profile_id = ?').pluck().get(id) as number,
    bumpConfigRevision: (ids, at) => bumpWhere('profile_id', ids, at),
    bumpConfigRevisionOf: (ids, at) => bumpWhere('id', ids, at),
  };
}
