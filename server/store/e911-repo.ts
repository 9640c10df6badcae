import type { SqlDatabase } from './sql-database.ts';
import type { AgentReport } from '../domain/e911-evidence.ts';
import type { EmergencyLocation } from '../domain/e911-location.ts';
import type { Resolution } from '../domain/e911-resolution.ts';
import type { NetworkMapEntry } from '../domain/network-map.ts';
import type { Page, PageOf } from './repositories.ts';
import { pageOf, type Row, str, strOrNull, where } from './sqlite/sql-helpers.ts';

/** What the server keeps per device for E911 and live status. */
export interface DeviceE911State {
  deviceId: string;
  assignedLocationId: string | null;
  lastReport: AgentReport | null;
  /** When the server received the newest report. */
  lastReportAt: string | null;
  /** When the newest report with network evidence arrived. */
  lastEvidenceAt: string | null;
  resolution: Resolution | null;
  updatedAt: string;
}

/** Storage of locations, network map, device E911 state and report ids (SQL stays here). */
export interface E911Repository {
  insertLocation(l: EmergencyLocation): void;
  getLocation(id: string): EmergencyLocation | undefined;
  listLocations(filter: { siteId?: string }, page: Page): PageOf<EmergencyLocation>;
  updateLocation(l: EmergencyLocation): void;
  siteDefault(siteId: string): EmergencyLocation | undefined;
  locationByCallback(e164: string): EmergencyLocation | undefined;

  insertMapEntry(e: NetworkMapEntry, createdAt: string): void;
  getMapEntry(id: string): NetworkMapEntry | undefined;
  listMapEntries(filter: { locationId?: string }, page: Page): PageOf<NetworkMapEntry>;
  /** Every entry (resolution and conflict checks look at all of them). */
  allMapEntries(): NetworkMapEntry[];
  deleteMapEntry(id: string): void;

  getDeviceState(deviceId: string): DeviceE911State | undefined;
  putDeviceState(s: DeviceE911State): void;
  allDeviceStates(): DeviceE911State[];

  /** Records a report id for the device; false when it was already recorded (a replay). */
  recordReportId(deviceId: string, reportId: string, receivedAt: string): boolean;
  /** Forgets report ids received before the time (a replay that old is no longer expected). */
  pruneReportIds(beforeIso: string): number;
}

const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(str(v)) as T;
const parseOrNull = <T>(v: unknown): T | null => (v === null ? null : parse<T>(v));

function toLocation(r: Row): EmergencyLocation {
  return {
    id: str(r.id),
    siteId: str(r.site_id),
    name: str(r.name),
    address: parse(r.address),
    place: parse(r.place),
    callbackNumber: str(r.callback_number),
    notifyTargets: parse(r.notify_targets),
    status: str(r.status) as EmergencyLocation['status'],
    statusMessage: strOrNull(r.status_message),
    isDefault: r.is_default === 1,
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function locationParams(l: EmergencyLocation): Record<string, unknown> {
  return {
    id: l.id,
    site: l.siteId,
    name: l.name,
    address: json(l.address),
    place: json(l.place),
    callback: l.callbackNumber,
    targets: json(l.notifyTargets),
    status: l.status,
    message: l.statusMessage,
    dflt: l.isDefault ? 1 : 0,
    created: l.createdAt,
    updated: l.updatedAt,
  };
}

const toEntry = (r: Row): NetworkMapEntry => parse<NetworkMapEntry>(r.entry);

function toState(r: Row): DeviceE911State {
  return {
    deviceId: str(r.device_id),
    assignedLocationId: strOrNull(r.assigned_location_id),
    lastReport: parseOrNull(r.last_report),
    lastReportAt: strOrNull(r.last_report_at),
    lastEvidenceAt: strOrNull(r.last_evidence_at),
    resolution: parseOrNull(r.resolution),
    updatedAt: str(r.updated_at),
  };
}

export function sqliteE911(db: SqlDatabase): E911Repository {
  const insertLocation = db.prepare(`INSERT INTO e911_locations (id, site_id, name, address, place, callback_number,
    notify_targets, status, status_message, is_default, created_at, updated_at) VALUES (@id, @site, @name, @address,
    @place, @callback, @targets, @status, @message, @dflt, @created, @updated)`);
  const updateLocation = db.prepare(`UPDATE e911_locations SET name = @name, address = @address, place = @place,
    callback_number = @callback, notify_targets = @targets, status = @status, status_message = @message,
    is_default = @dflt, updated_at = @updated WHERE id = @id`);
  const getLocation = db.prepare('SELECT * FROM e911_locations WHERE id = ?');
  const siteDefault = db.prepare('SELECT * FROM e911_locations WHERE site_id = ? AND is_default = 1');
  const byCallback = db.prepare('SELECT * FROM e911_locations WHERE callback_number = ?');
  const insertEntry = db.prepare(`INSERT INTO e911_network_map (id, location_id, kind, key, entry, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const getEntry = db.prepare('SELECT * FROM e911_network_map WHERE id = ?');
  const allEntries = db.prepare('SELECT * FROM e911_network_map ORDER BY created_at, id');
  const getState = db.prepare('SELECT * FROM e911_device_state WHERE device_id = ?');
  const putState = db.prepare(`INSERT INTO e911_device_state (device_id, assigned_location_id, last_report,
    last_report_at, last_evidence_at, resolution, updated_at) VALUES (@device, @assigned, @report, @reportAt,
    @evidenceAt, @resolution, @updated) ON CONFLICT (device_id) DO UPDATE SET
    assigned_location_id = excluded.assigned_location_id, last_report = excluded.last_report,
    last_report_at = excluded.last_report_at, last_evidence_at = excluded.last_evidence_at,
    resolution = excluded.resolution, updated_at = excluded.updated_at`);
  const recordId = db.prepare(`INSERT INTO e911_report_ids (device_id, report_id, received_at) VALUES (?, ?, ?)
    ON CONFLICT DO NOTHING`);
  const one = (stmt: ReturnType<SqlDatabase['prepare']>, arg: string) => {
    const row = stmt.get(arg) as Row | undefined;
    return row && toLocation(row);
  };

  return {
    insertLocation: (l) => void insertLocation.run(locationParams(l)),
    getLocation: (id) => one(getLocation, id),
    listLocations: (filter, page) =>
      pageOf(db, 'e911_locations', where([['site_id = ?', filter.siteId]]), 'created_at, id', page, toLocation),
    updateLocation: (l) => void updateLocation.run(locationParams(l)),
    siteDefault: (siteId) => one(siteDefault, siteId),
    locationByCallback: (e164) => one(byCallback, e164),

    insertMapEntry: (e, createdAt) => void insertEntry.run(e.id, e.locationId, e.kind, e.key, json(e), createdAt),
    getMapEntry: (id) => {
      const row = getEntry.get(id) as Row | undefined;
      return row && toEntry(row);
    },
    listMapEntries: (filter, page) =>
      pageOf(db, 'e911_network_map', where([['location_id = ?', filter.locationId]]), 'created_at, id', page, toEntry),
    allMapEntries: () => (allEntries.all() as Row[]).map(toEntry),
    deleteMapEntry: (id) => void db.prepare('DELETE FROM e911_network_map WHERE id = ?').run(id),

    getDeviceState: (deviceId) => {
      const row = getState.get(deviceId) as Row | undefined;
      return row && toState(row);
    },
    putDeviceState: (s) =>
      void putState.run({
        device: s.deviceId,
        assigned: s.assignedLocationId,
        report: s.lastReport === null ? null : json(s.lastReport),
        reportAt: s.lastReportAt,
        evidenceAt: s.lastEvidenceAt,
        resolution: s.resolution === null ? null : json(s.resolution),
        updated: s.updatedAt,
      }),
    allDeviceStates: () => (db.prepare('SELECT * FROM e911_device_state ORDER BY device_id').all() as Row[]).map(toState),

    recordReportId: (deviceId, reportId, receivedAt) => recordId.run(deviceId, reportId, receivedAt).changes === 1,
    pruneReportIds: (beforeIso) =>
      db.prepare('DELETE FROM e911_report_ids WHERE received_at < ?').run(beforeIso).changes,
  };
}
