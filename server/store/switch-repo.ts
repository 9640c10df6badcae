import type { SqlDatabase } from './sql-database.ts';
import type { NetworkEvidence } from '../domain/e911-evidence.ts';
import type { SwitchPollState, SwitchRecord } from '../domain/switch-inventory.ts';
import type { Page, PageOf } from './repositories.ts';
import { secretBoxOf, type SecretBox } from './secret-box.ts';
import { numOrNull, pageOf, type Row, str, strOrNull, where } from './sqlite/sql-helpers.ts';

/** Where a poll found a device: switch-port evidence from one switch. */
export interface SwitchSighting {
  deviceId: string;
  switchId: string;
  network: NetworkEvidence;
  observedAt: string;
}

/** The source address of a device's latest request of one kind (an action-URL event). */
export interface RequestSighting {
  deviceId: string;
  origin: string;
  ip: string;
  observedAt: string;
}

/** Storage of the switch inventory, poll outcomes and sightings (migrations 300, 301; SQL stays here). */
export interface SwitchRepository {
  insert(s: SwitchRecord): void;
  get(id: string): SwitchRecord | undefined;
  byAddress(host: string, port: number): SwitchRecord | undefined;
  list(filter: { siteId?: string }, page: Page): PageOf<SwitchRecord>;
  all(): SwitchRecord[];
  update(s: SwitchRecord): void;
  delete(id: string): void;

  pollState(switchId: string): SwitchPollState | undefined;
  putPollState(s: SwitchPollState): void;

  /** Replaces every sighting of one switch with the given ones (one poll's result). */
  replaceSightings(switchId: string, sightings: readonly SwitchSighting[]): void;
  sightingsOfSwitch(switchId: string): SwitchSighting[];
  sightingsOfDevice(deviceId: string): SwitchSighting[];

  /** Records (replaces) the device's latest request address of that origin (migration 301). */
  putRequestSighting(s: RequestSighting): void;
  requestSightingsOfDevice(deviceId: string): RequestSighting[];

  /**
   * Devices whose request evidence arrived since `changedSince` (a provisioning fetch or an
   * event), or whose request or SNMP evidence aged out within the given [from, to) windows: the
   * only ones a periodic re-resolution needs to look at.
   */
  devicesToRecheck(windows: { changedSince: string; requestExpired: [string, string]; snmpExpired: [string, string] }): string[];

  /**
   * Moves the sweep's shared mark to `now` (never back) and returns where it stood: the last
   * sweep of any instance on this database, or `first` when none has run yet (migration 920).
   */
  advanceSweep(now: string, first: string): string;
}

const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(str(v)) as T;

function toSwitch(r: Row, box: SecretBox): SwitchRecord {
  return {
    id: str(r.id),
    siteId: strOrNull(r.site_id),
    name: str(r.name),
    host: str(r.host),
    port: Number(r.port),
    snmp: parse(box.open(str(r.credentials))),
    uplinkPorts: parse(r.uplink_ports),
    chassisId: r.chassis_id === null ? null : parse(r.chassis_id),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

/** The credentials column is sealed like other secrets (`SEALED_COLUMNS` in secret-box.ts). */
function switchParams(s: SwitchRecord, box: SecretBox): Record<string, unknown> {
  return {
    id: s.id,
    site: s.siteId,
    name: s.name,
    host: s.host,
    port: s.port,
    version: s.snmp.version,
    credentials: box.seal(json(s.snmp)),
    uplinks: json(s.uplinkPorts),
    chassis: s.chassisId === null ? null : json(s.chassisId),
    created: s.createdAt,
    updated: s.updatedAt,
  };
}

function toPollState(r: Row): SwitchPollState {
  const code = strOrNull(r.error_code);
  return {
    switchId: str(r.switch_id),
    lastPollAt: strOrNull(r.last_poll_at),
    lastSuccessAt: strOrNull(r.last_success_at),
    error: code === null ? null : { code, message: str(r.error_message) },
    failingSince: strOrNull(r.failing_since),
    macsSeen: numOrNull(r.macs_seen) ?? 0,
    phonesLocated: numOrNull(r.phones_located) ?? 0,
    uplinks: parse(r.uplinks),
  };
}

const toSighting = (r: Row): SwitchSighting => ({
  deviceId: str(r.device_id),
  switchId: str(r.switch_id),
  network: parse(r.network),
  observedAt: str(r.observed_at),
});

export function sqliteSwitches(db: SqlDatabase): SwitchRepository {
  const box = secretBoxOf(db);
  const toRecord = (r: Row): SwitchRecord => toSwitch(r, box);
  const insert = db.prepare(`INSERT INTO switches (id, site_id, name, host, port, snmp_version, credentials,
    uplink_ports, chassis_id, created_at, updated_at) VALUES (@id, @site, @name, @host, @port, @version,
    @credentials, @uplinks, @chassis, @created, @updated)`);
  const update = db.prepare(`UPDATE switches SET site_id = @site, name = @name, host = @host, port = @port,
    snmp_version = @version, credentials = @credentials, uplink_ports = @uplinks, chassis_id = @chassis,
    updated_at = @updated WHERE id = @id`);
  const get = db.prepare('SELECT * FROM switches WHERE id = ?');
  const byAddress = db.prepare('SELECT * FROM switches WHERE host = ? AND port = ?');
  const all = db.prepare('SELECT * FROM switches ORDER BY created_at, id');
  const remove = db.prepare('DELETE FROM switches WHERE id = ?');
  const getPoll = db.prepare('SELECT * FROM switch_poll_state WHERE switch_id = ?');
  const putPoll = db.prepare(`INSERT INTO switch_poll_state (switch_id, last_poll_at, last_success_at, error_code,
    error_message, failing_since, macs_seen, phones_located, uplinks) VALUES (@id, @polled, @success, @code,
    @message, @since, @macs, @phones, @uplinks) ON CONFLICT (switch_id) DO UPDATE SET
    last_poll_at = excluded.last_poll_at, last_success_at = excluded.last_success_at,
    error_code = excluded.error_code, error_message = excluded.error_message,
    failing_since = excluded.failing_since, macs_seen = excluded.macs_seen,
    phones_located = excluded.phones_located, uplinks = excluded.uplinks`);
  const clearSightings = db.prepare('DELETE FROM switch_sightings WHERE switch_id = ?');
  const addSighting = db.prepare(`INSERT INTO switch_sightings (device_id, switch_id, network, observed_at)
    VALUES (?, ?, ?, ?) ON CONFLICT (device_id, switch_id) DO UPDATE SET network = excluded.network,
    observed_at = excluded.observed_at`);
  const ofSwitch = db.prepare('SELECT * FROM switch_sightings WHERE switch_id = ? ORDER BY device_id');
  const ofDevice = db.prepare('SELECT * FROM switch_sightings WHERE device_id = ? ORDER BY observed_at DESC');
  const putRequest = db.prepare(`INSERT INTO request_sightings (device_id, origin, ip, observed_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, origin) DO UPDATE SET ip = excluded.ip, observed_at = excluded.observed_at`);
  const requestsOf = db.prepare('SELECT * FROM request_sightings WHERE device_id = ? ORDER BY origin');
  const sweptUntil = db.prepare('SELECT swept_until FROM location_sweep WHERE id = 1').pluck();
  const markSwept = db.prepare(`INSERT INTO location_sweep (id, swept_until) VALUES (1, @at)
    ON CONFLICT (id) DO UPDATE SET swept_until = excluded.swept_until WHERE excluded.swept_until > location_sweep.swept_until`);
  const recheck = db.prepare(`SELECT id FROM devices WHERE last_seen_at >= @since
    UNION SELECT device_id FROM request_sightings WHERE observed_at >= @since
    UNION SELECT id FROM devices WHERE last_seen_at >= @reqFrom AND last_seen_at < @reqTo
    UNION SELECT device_id FROM request_sightings WHERE observed_at >= @reqFrom AND observed_at < @reqTo
    UNION SELECT device_id FROM switch_sightings WHERE observed_at >= @snmpFrom AND observed_at < @snmpTo`);

  return {
    insert: (s) => void insert.run(switchParams(s, box)),
    get: (id) => {
      const row = get.get(id) as Row | undefined;
      return row && toRecord(row);
    },
    byAddress: (host, port) => {
      const row = byAddress.get(host, port) as Row | undefined;
      return row && toRecord(row);
    },
    list: (filter, page) => pageOf(db, 'switches', where([['site_id = ?', filter.siteId]]), 'created_at, id', page, toRecord),
    all: () => (all.all() as Row[]).map(toRecord),
    update: (s) => void update.run(switchParams(s, box)),
    delete: (id) => void remove.run(id),

    pollState: (switchId) => {
      const row = getPoll.get(switchId) as Row | undefined;
      return row && toPollState(row);
    },
    putPollState: (s) =>
      void putPoll.run({
        id: s.switchId,
        polled: s.lastPollAt,
        success: s.lastSuccessAt,
        code: s.error?.code ?? null,
        message: s.error?.message ?? null,
        since: s.failingSince,
        macs: s.macsSeen,
        phones: s.phonesLocated,
        uplinks: json(s.uplinks),
      }),

    replaceSightings: (switchId, sightings) => {
      clearSightings.run(switchId);
      for (const s of sightings) addSighting.run(s.deviceId, switchId, json(s.network), s.observedAt);
    },
    sightingsOfSwitch: (switchId) => (ofSwitch.all(switchId) as Row[]).map(toSighting),
    sightingsOfDevice: (deviceId) => (ofDevice.all(deviceId) as Row[]).map(toSighting),

    putRequestSighting: (s) => void putRequest.run(s.deviceId, s.origin, s.ip, s.observedAt),
    devicesToRecheck: (w) =>
      (
        recheck.all({
          since: w.changedSince,
          reqFrom: w.requestExpired[0],
          reqTo: w.requestExpired[1],
          snmpFrom: w.snmpExpired[0],
          snmpTo: w.snmpExpired[1],
        }) as Row[]
      ).map((r) => str(r.id)),
    advanceSweep(now, first) {
      const before = (sweptUntil.get() as string | undefined) ?? first;
      markSwept.run({ at: now });
      return before;
    },
    requestSightingsOfDevice: (deviceId) =>
      (requestsOf.all(deviceId) as Row[]).map((r) => ({ deviceId: str(r.device_id), origin: str(r.origin), ip: str(r.ip), observedAt: str(r.observed_at) })),
  };
}
