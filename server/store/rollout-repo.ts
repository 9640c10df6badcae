import type { SqlDatabase } from './sql-database.ts';
import type { RingRule } from '../domain/firmware-rings.ts';
import type { HaltRule, RolloutState } from '../domain/firmware-rollout.ts';
import type { FirmwareHop } from '../domain/firmware-version.ts';
import type { MaintenanceWindow } from '../domain/maintenance-window.ts';
import { prepare, type Row, str, strOrNull } from './sqlite/sql-helpers.ts';

/**
 * Firmware rollouts, each device's progress in them and firmware alerts (migration 400). The
 * phone pipeline reads `forSiteModel` and writes `observe` per fetch of a device under a rollout,
 * so those statements are prepared once.
 */

export interface Rollout extends RolloutState {
  id: string;
  siteId: string;
  model: string;
  path: FirmwareHop[];
  revert: FirmwareHop | null;
  rings: RingRule[];
  canaries: string[][];
  window: MaintenanceWindow;
  soakMinutes: number;
  halt: HaltRule;
  createdAt: string;
  updatedAt: string;
}

export interface RolloutDevice {
  rolloutId: string;
  deviceId: string;
  ring: number;
  version: string | null;
  offered: { version: string; at: string } | null;
  updatedAt: string;
}

export interface FirmwareAlert {
  id: string;
  at: string;
  code: string;
  subject: string;
  message: string;
  clearedAt: string | null;
}

export interface RolloutRepository {
  insert(rollout: Rollout): void;
  updateState(id: string, state: RolloutState, at: string): void;
  get(id: string): Rollout | undefined;
  list(filter: { siteId?: string; status?: string }): Rollout[];
  /** The newest rollout of a site and model, whatever its state (insertion order breaks a tie in time). */
  forSiteModel(siteId: string, model: string): Rollout | undefined;
  /** Rollouts a tick must look at. */
  active(): Rollout[];
  devices(rolloutId: string): RolloutDevice[];
  device(rolloutId: string, deviceId: string): RolloutDevice | undefined;
  upsertDevice(row: RolloutDevice): void;
  raiseAlert(alert: Omit<FirmwareAlert, 'clearedAt'>): void;
  clearAlerts(code: string, subject: string, at: string): void;
  openAlerts(): FirmwareAlert[];
  hasOpenAlert(code: string, subject: string): boolean;
}

const json = <T>(v: unknown): T => JSON.parse(str(v)) as T;

function toRollout(r: Row): Rollout {
  return {
    id: str(r.id),
    siteId: str(r.site_id),
    model: str(r.model),
    path: json(r.path),
    revert: r.revert === null ? null : json(r.revert),
    rings: json(r.rings),
    canaries: json(r.canaries),
    window: json(r.maintenance_window),
    soakMinutes: Number(r.soak_minutes),
    halt: json(r.halt_rule),
    status: str(r.status) as Rollout['status'],
    ring: Number(r.ring),
    ringStartedAt: str(r.ring_started_at),
    ringCompletedAt: strOrNull(r.ring_completed_at),
    haltReason: strOrNull(r.halt_reason),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function toDevice(r: Row): RolloutDevice {
  const offeredVersion = strOrNull(r.offered_version);
  const offeredAt = strOrNull(r.offered_at);
  return {
    rolloutId: str(r.rollout_id),
    deviceId: str(r.device_id),
    ring: Number(r.ring),
    version: strOrNull(r.version),
    offered: offeredVersion === null || offeredAt === null ? null : { version: offeredVersion, at: offeredAt },
    updatedAt: str(r.updated_at),
  };
}

function toAlert(r: Row): FirmwareAlert {
  return { id: str(r.id), at: str(r.at), code: str(r.code), subject: str(r.subject), message: str(r.message), clearedAt: strOrNull(r.cleared_at) };
}

export function sqliteRollouts(db: SqlDatabase): RolloutRepository {
  return {
    insert(r) {
      prepare(
        db,
        // created_seq orders rollouts made in the same millisecond (a test clock, a script).
        `INSERT INTO firmware_rollouts (id, site_id, model, path, revert, rings, canaries, maintenance_window, soak_minutes,
          halt_rule, status, ring, ring_started_at, ring_completed_at, halt_reason, created_at, updated_at, created_seq)
         VALUES (@id, @siteId, @model, @path, @revert, @rings, @canaries, @window, @soakMinutes,
          @halt, @status, @ring, @ringStartedAt, @ringCompletedAt, @haltReason, @createdAt, @updatedAt,
          (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM firmware_rollouts))`,
      ).run({
        ...r,
        path: JSON.stringify(r.path),
        revert: r.revert === null ? null : JSON.stringify(r.revert),
        rings: JSON.stringify(r.rings),
        canaries: JSON.stringify(r.canaries),
        window: JSON.stringify(r.window),
        halt: JSON.stringify(r.halt),
      });
    },
    updateState(id, s, at) {
      prepare(
        db,
        `UPDATE firmware_rollouts SET status = ?, ring = ?, ring_started_at = ?, ring_completed_at = ?, halt_reason = ?, updated_at = ?
         WHERE id = ?`,
      ).run(s.status, s.ring, s.ringStartedAt, s.ringCompletedAt, s.haltReason, at, id);
    },
    get(id) {
      const row = prepare(db, 'SELECT * FROM firmware_rollouts WHERE id = ?').get(id) as Row | undefined;
      return row === undefined ? undefined : toRollout(row);
    },
    list(filter) {
      const rows = prepare(
        db,
        // The casts give PostgreSQL the parameters' type, which a bare "@x IS NULL" does not.
        `SELECT * FROM firmware_rollouts WHERE (CAST(@siteId AS TEXT) IS NULL OR site_id = @siteId)
           AND (CAST(@status AS TEXT) IS NULL OR status = @status)
         ORDER BY created_at DESC, id`,
      ).all({ siteId: filter.siteId ?? null, status: filter.status ?? null }) as Row[];
      return rows.map(toRollout);
    },
    forSiteModel(siteId, model) {
      const row = prepare(db, 'SELECT * FROM firmware_rollouts WHERE site_id = ? AND model = ? ORDER BY created_at DESC, created_seq DESC LIMIT 1').get(siteId, model) as
        | Row
        | undefined;
      return row === undefined ? undefined : toRollout(row);
    },
    active() {
      return (prepare(db, "SELECT * FROM firmware_rollouts WHERE status = 'active' ORDER BY created_at").all() as Row[]).map(toRollout);
    },
    devices(rolloutId) {
      return (prepare(db, 'SELECT * FROM firmware_rollout_devices WHERE rollout_id = ? ORDER BY ring, device_id').all(rolloutId) as Row[]).map(toDevice);
    },
    device(rolloutId, deviceId) {
      const row = prepare(db, 'SELECT * FROM firmware_rollout_devices WHERE rollout_id = ? AND device_id = ?').get(rolloutId, deviceId) as Row | undefined;
      return row === undefined ? undefined : toDevice(row);
    },
    upsertDevice(d) {
      prepare(
        db,
        `INSERT INTO firmware_rollout_devices (rollout_id, device_id, ring, version, offered_version, offered_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rollout_id, device_id) DO UPDATE SET ring = excluded.ring, version = excluded.version,
           offered_version = excluded.offered_version, offered_at = excluded.offered_at, updated_at = excluded.updated_at`,
      ).run(d.rolloutId, d.deviceId, d.ring, d.version, d.offered?.version ?? null, d.offered?.at ?? null, d.updatedAt);
    },
    raiseAlert(a) {
      prepare(db, 'INSERT INTO firmware_alerts (id, at, code, subject, message, cleared_at) VALUES (?, ?, ?, ?, ?, NULL)').run(a.id, a.at, a.code, a.subject, a.message);
    },
    clearAlerts(code, subject, at) {
      prepare(db, 'UPDATE firmware_alerts SET cleared_at = ? WHERE code = ? AND subject = ? AND cleared_at IS NULL').run(at, code, subject);
    },
    openAlerts() {
      return (prepare(db, 'SELECT * FROM firmware_alerts WHERE cleared_at IS NULL ORDER BY at, id').all() as Row[]).map(toAlert);
    },
    hasOpenAlert(code, subject) {
      return prepare(db, 'SELECT 1 FROM firmware_alerts WHERE code = ? AND subject = ? AND cleared_at IS NULL').get(code, subject) !== undefined;
    },
  };
}
