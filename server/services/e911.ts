import { parseMac } from '../domain/mac-address.ts';
import { civicOf } from '../domain/civic-address.ts';
import type { Device } from '../domain/device.ts';
import { deviceAlerts, type Alert } from '../domain/e911-alerts.ts';
import { closedLoop, type LoopStep } from '../domain/e911-status-loop.ts';
import type { SwitchAlerts } from '../domain/switch-alerts.ts';
import type { FetchProblem } from '../domain/phone-refusal.ts';
import type { AgentReport } from '../domain/e911-evidence.ts';
import {
  checkCallbackRegion,
  validateLocationFields,
  type EmergencyLocation,
  type RegistrationResult,
} from '../domain/e911-location.ts';
import { resolutionChanged, resolveLocation, type Resolution } from '../domain/e911-resolution.ts';
import { assertNoConflict, normaliseNetworkMapEntry, type NetworkMapEntry, type NetworkMapInput } from '../domain/network-map.ts';
import type { NetworkMapRow } from '../domain/network-map-csv.ts';
import { devicePidf, locationPidf, methodFor } from '../domain/pidf-lo.ts';
import type { DevicePrincipal, Principal } from '../domain/roles.ts';
import { appError } from '../errors.ts';
import type { DeviceE911State, E911Repository } from '../store/e911-repo.ts';
import type { Page } from '../store/repositories.ts';
import { createNetworkMapCache } from '../location/network-map-cache.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext, unknownReference } from './context.ts';
import { memoizeReads } from './generation-memo.ts';
import { importAllOrNothing } from './all-or-nothing-import.ts';
import { createGroupCommit } from './group-commit.ts';

/**
 * Registers an address with the 911 provider. The default accepts what passed local validation;
 * a deployment with a provider (Bandwidth, Intrado, …) replaces it.
 */
export interface LocationRegistrar {
  register(location: EmergencyLocation): RegistrationResult;
}

export const localRegistrar: LocationRegistrar = {
  register: () => ({ status: 'registered', message: null }),
};

export interface E911Options {
  registrar?: LocationRegistrar;
  /** Evidence older than this raises STALE_EVIDENCE (default three missed 60 s heartbeats). */
  staleAfterMs?: number;
  /** A device heard from within this window is live. */
  liveWithinMs?: number;
  /** Report ids are kept this long for replay detection. */
  reportIdTtlMs?: number;
  /**
   * The network evidence resolution reads, merged from every source (agent, switch polls, request
   * addresses: services/location-evidence.ts); the agent's last report alone when absent.
   */
  networkEvidence?: (device: Device, state: DeviceE911State) => AgentReport['network'];
  /** Alerts from other sources of evidence (an unmapped switch port: services/location-evidence.ts). */
  extraAlerts?: (device: Device, state: DeviceE911State, entries: readonly NetworkMapEntry[]) => Alert[];
  /** The device's last failed fetch, if any (services/phone-fetch-problems.ts). */
  fetchProblem?: (device: Device) => FetchProblem | null;
  /**
   * Called after each stored, non-duplicate report (agent or action URL), outside its
   * transaction: the emergency-call notification (services/emergency-notify.ts). Must not throw.
   */
  reportTaken?: (device: Device, report: AgentReport) => void;
  /**
   * Told the MAC of each device whose status this instance changed, after the commit: other
   * instances on the same PostgreSQL announce it on their status streams (services/index.ts).
   */
  statusChanged?: (mac: string) => void;
  /** Alerts of things other than devices: switches whose last poll failed (services/switches.ts). */
  otherAlerts?: (filter: { siteId?: string }) => readonly SwitchAlerts[];
  /**
   * The store's write generation (store/write-generation.ts): when given, the device a report names
   * is remembered until it moves, instead of read once per report.
   */
  generation?: () => number;
  /** Which piece of evidence placed the device, shown in its status (services/location-evidence.ts). */
  locatedBy?: (device: Device, state: DeviceE911State, resolution: Resolution) => LocatedBy | null;
}

/** The source (agent, snmp, request) and time of the evidence that placed a device. */
export interface LocatedBy {
  source: string;
  at: string;
  origin?: string;
}

export interface LocationInput {
  siteId: string;
  name: string;
  address: unknown;
  place?: unknown;
  callbackNumber: string;
  notifyTargets?: string[];
  default?: boolean;
}

export type LocationPatch = Partial<Omit<LocationInput, 'siteId'>>;

/** Per-device status (CONTRACT.md `GET /api/v1/devices/{mac}/status`). */
export interface DeviceStatus {
  mac: string;
  live: boolean;
  lastSeen: string | null;
  served: { file: string | null; revision: number | null; at: string } | null;
  applied: { revision: string } | null;
  firmware: string | null;
  sip: AgentReport['sip'] | null;
  network: AgentReport['network'] | null;
  location: { id: string; name: string; status: string; matchedBy: Resolution['matchedBy']; unresolved: boolean; locatedBy?: LocatedBy | null } | null;
  alerts: Alert[];
  /** served → applied → registered → located, each with why it is not ok. */
  loop: LoopStep[];
}

const AGENT_ROLE = 'user' as const;

function agentActor(device: DevicePrincipal): Principal {
  return { tokenId: `agent:${device.deviceId}`, userId: null, role: AGENT_ROLE, siteId: null, name: `agent ${device.mac}` };
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** Fleet counts for the dashboard (`GET /api/v1/status`). */
export interface FleetStatus {
  devices: number;
  live: number;
  registered: number;
  /** Devices whose resolved location is registered for 911. */
  located: number;
  /** Devices with at least one alert (warnings not counted). */
  alerts: number;
  /** Switches with an alert: their last poll failed. */
  switchAlerts: number;
}

/** One holder of alerts in `GET /api/v1/alerts`: a device, or a switch polled for phone ports. */
export type AlertItem = { source: 'device'; mac: string; deviceId: string; alerts: Alert[] } | ({ source: 'switch' } & SwitchAlerts);

export type StatusListener = (status: DeviceStatus) => void;

export function createE911Service(ctx: ServiceContext, repo: E911Repository, opts: E911Options = {}) {
  const { store } = ctx;
  const listeners = new Set<StatusListener>();
  const emitHere = (device: Device) => {
    if (listeners.size === 0) return;
    const status = statusOf(device, stateOf(device.id), repo.allMapEntries());
    for (const listener of listeners) listener(status);
  };
  const emit = (device: Device) => {
    emitHere(device);
    opts.statusChanged?.(device.mac);
  };
  // After the commit: listeners see stored state, and the report's call (if any) is told once.
  const taken = (device: Device, report: AgentReport) => {
    emit(device);
    opts.reportTaken?.(device, report);
  };
  const registrar = opts.registrar ?? localRegistrar;
  // Resolution reads the map compiled once per revision (docs/LOCATION.md "Figures").
  const mapCache = createNetworkMapCache();
  const staleAfterMs = opts.staleAfterMs ?? 180_000;
  const liveWithinMs = opts.liveWithinMs ?? 180_000;
  const reportIdTtlMs = opts.reportIdTtlMs ?? 7 * 24 * 3600 * 1000;

  const mustLocation = (id: string) => repo.getLocation(id) ?? notFound('location', id);
  const mustDevice = (mac: string): Device => {
    const canonical = parseMac(mac);
    return store.devices.getByMac(canonical) ?? notFound('device', canonical);
  };

  /** Callback number: in the inventory, not another location's, same country as the address. */
  function checkCallback(e164: string, country: string, exceptId: string | null): void {
    const number = store.numbers.get(e164);
    if (number === undefined) unknownReference('callbackNumber', 'number', e164);
    const holder = repo.locationByCallback(e164);
    if (holder !== undefined && holder.id !== exceptId) {
      throw appError('NUMBER_IN_USE', `number ${e164} is already the callback number of location ${holder.id}`, {
        field: 'callbackNumber',
      });
    }
    checkCallbackRegion(number.region, { country });
  }

  /** Makes `loc` the site's default, taking the flag from the previous one (audited). */
  function takeDefault(actor: Principal, loc: EmergencyLocation): void {
    const previous = repo.siteDefault(loc.siteId);
    if (previous === undefined || previous.id === loc.id) return;
    const after = { ...previous, isDefault: false, updatedAt: ctx.now().toISOString() };
    repo.updateLocation(after);
    audit(ctx, actor, 'location.update', { type: 'location', id: previous.id }, previous, after);
  }

  function stateOf(deviceId: string): DeviceE911State {
    return (
      repo.getDeviceState(deviceId) ?? {
        deviceId,
        assignedLocationId: null,
        lastReport: null,
        lastReportAt: null,
        lastEvidenceAt: null,
        resolution: null,
        updatedAt: ctx.now().toISOString(),
      }
    );
  }

  function resolveFor(device: Device, state: DeviceE911State, entries: readonly NetworkMapEntry[]): Resolution {
    const siteDefault = device.siteId === null ? undefined : repo.siteDefault(device.siteId);
    const network = opts.networkEvidence === undefined ? state.lastReport?.network : opts.networkEvidence(device, state);
    return resolveLocation(network, mapCache.compiled(entries), {
      assignedLocationId: state.assignedLocationId,
      siteDefaultLocationId: siteDefault?.id ?? null,
    });
  }

  /**
   * After a change of the map or of a default, re-resolves every device that has reported and
   * audits each one whose location changed (DESIGN.md "E911": every change is an audit event).
   * Call inside the write's transaction.
   */
  function reResolveAll(actor: Principal): void {
    const entries = repo.allMapEntries();
    for (const state of repo.allDeviceStates()) {
      if (state.resolution === null) continue;
      const device = store.devices.get(state.deviceId);
      if (device === undefined) continue;
      const resolution = resolveFor(device, state, entries);
      if (!resolutionChanged(state.resolution, resolution)) continue;
      audit(ctx, actor, 'device.location', { type: 'device', id: device.mac }, state.resolution, resolution);
      repo.putDeviceState({ ...state, resolution, updatedAt: ctx.now().toISOString() });
    }
  }

  function statusOf(device: Device, state: DeviceE911State, entries: readonly NetworkMapEntry[]): DeviceStatus {
    const now = ctx.now();
    const resolution = resolveFor(device, state, entries);
    const loc = resolution.locationId === null ? undefined : repo.getLocation(resolution.locationId);
    const lastSeen = latest(device.lastSeen?.at ?? null, state.lastReportAt);
    const report = state.lastReport;
    const alerts = deviceAlerts({
      sipRegistered: report?.sip?.registered ?? null,
      resolution,
      location: loc === undefined ? null : { name: loc.name, status: loc.status, civic: civicOf(loc.address, loc.place) },
      lastEvidenceAt: state.lastEvidenceAt,
      now,
      staleAfterMs,
      ...(report?.network?.lldp?.medLocation !== undefined ? { medLocation: report.network.lldp.medLocation } : {}),
    });
    alerts.push(...(opts.extraAlerts?.(device, state, entries) ?? []));
    const located =
      loc === undefined
        ? null
        : {
            id: loc.id,
            name: loc.name,
            status: loc.status,
            matchedBy: resolution.matchedBy,
            unresolved: resolution.unresolved,
            ...(opts.locatedBy === undefined ? {} : { locatedBy: opts.locatedBy(device, state, resolution) }),
          };
    const served =
      device.lastSeen === null
        ? null
        : { file: device.lastSeen.file, revision: device.lastSeen.servedRevision, at: device.lastSeen.at };
    const applied = report?.configRevision === undefined ? null : { revision: report.configRevision };
    return {
      mac: device.mac,
      live: lastSeen !== null && now.getTime() - Date.parse(lastSeen) <= liveWithinMs,
      lastSeen,
      served,
      applied,
      firmware: report?.firmware ?? device.lastSeen?.firmware ?? null,
      sip: report?.sip ?? null,
      network: report?.network ?? null,
      location: located,
      alerts,
      loop: closedLoop({
        served,
        fetchProblem: opts.fetchProblem?.(device) ?? null,
        configRevision: device.configRevision,
        appliedRevision: applied?.revision ?? null,
        sip: report?.sip ?? null,
        location: located,
        alerts,
      }),
    };
  }

  const reportDevices = opts.generation === undefined ? store.devices : memoizeReads(store.devices, ['get'], opts.generation);

  /** The checks that need no database: a refused report never joins a batch. Returns its time. */
  function checkReport(principal: DevicePrincipal, report: AgentReport): number {
    if (report.mac !== undefined && parseMac(report.mac, 'mac') !== principal.mac) {
      throw appError('FORBIDDEN', 'a device token may only report for its own device', { field: 'mac' });
    }
    const at = Date.parse(report.at);
    if (Number.isNaN(at)) throw appError('INVALID_FIELD', 'at must be an ISO 8601 time', { field: 'at' });
    return at;
  }

  /**
   * Stores one report inside the caller's transaction. A replayed id is accepted and ignored; a
   * report older than the newest one taken is recorded but does not roll the state back. A change
   * of resolved location is audited.
   */
  function applyReport(principal: DevicePrincipal, report: AgentReport, at: number, entries: NetworkMapEntry[]) {
    const device = reportDevices.get(principal.deviceId) ?? notFound('device', principal.mac);
    const receivedAt = ctx.now().toISOString();
    if (!repo.recordReportId(device.id, report.id, receivedAt)) return { duplicate: true, device };
    const before = stateOf(device.id);
    const previous = before.lastReport === null ? null : Date.parse(before.lastReport.at);
    if (previous !== null && at < previous) return { duplicate: false, device };
    const next: DeviceE911State = {
      ...before,
      lastReport: report,
      lastReportAt: receivedAt,
      lastEvidenceAt: report.network !== undefined ? receivedAt : before.lastEvidenceAt,
      updatedAt: receivedAt,
    };
    const resolution = resolveFor(device, next, entries);
    if (resolutionChanged(before.resolution, resolution)) {
      audit(ctx, agentActor(principal), 'device.location', { type: 'device', id: device.mac }, before.resolution, resolution);
    }
    repo.putDeviceState({ ...next, resolution });
    return { duplicate: false, device };
  }

  // Expired report ids are pruned at most once a minute: a DELETE per report costs more than the
  // report itself when a fleet reports at once.
  let prunedAt = Number.NEGATIVE_INFINITY;
  function pruneReportIds(): void {
    const now = ctx.now().getTime();
    if (now - prunedAt < 60_000) return;
    prunedAt = now;
    repo.pruneReportIds(new Date(now - reportIdTtlMs).toISOString());
  }

  // The network map is read once per batch, not once per report.
  let batchEntries: NetworkMapEntry[] | null = null;
  const batchMapEntries = (): NetworkMapEntry[] => (batchEntries ??= repo.allMapEntries());
  const reportBatches = createGroupCommit({
    transaction: (fn) => store.transaction(fn),
    beforeBatch: () => {
      batchEntries = null;
      pruneReportIds();
    },
  });

  const service = {
    createLocation(actor: Principal, input: LocationInput): EmergencyLocation {
      checkSiteScope(actor, input.siteId);
      const fields = validateLocationFields(input);
      return store.transaction(() => {
        if (store.sites.get(input.siteId) === undefined) unknownReference('siteId', 'site', input.siteId);
        checkCallback(fields.callbackNumber, fields.address.country, null);
        const at = ctx.now().toISOString();
        const draft: EmergencyLocation = {
          id: ctx.newId(),
          siteId: input.siteId,
          ...fields,
          status: 'pending',
          statusMessage: null,
          isDefault: input.default === true,
          createdAt: at,
          updatedAt: at,
        };
        const registered = registrar.register(draft);
        const loc = { ...draft, status: registered.status, statusMessage: registered.message };
        if (loc.isDefault) takeDefault(actor, loc);
        repo.insertLocation(loc);
        audit(ctx, actor, 'location.create', { type: 'location', id: loc.id }, null, loc);
        if (loc.isDefault) reResolveAll(actor);
        return loc;
      });
    },

    getLocation: (id: string) => mustLocation(id),

    listLocations: (filter: { siteId?: string }, page: Page) => listing(page, repo.listLocations(filter, page)),

    updateLocation(actor: Principal, id: string, patch: LocationPatch): EmergencyLocation {
      return store.transaction(() => {
        const before = mustLocation(id);
        checkSiteScope(actor, before.siteId);
        const fields = validateLocationFields({
          name: patch.name ?? before.name,
          address: patch.address ?? before.address,
          place: patch.place ?? before.place,
          callbackNumber: patch.callbackNumber ?? before.callbackNumber,
          notifyTargets: patch.notifyTargets ?? before.notifyTargets,
        });
        checkCallback(fields.callbackNumber, fields.address.country, id);
        const addressChanged =
          JSON.stringify([fields.address, fields.place]) !== JSON.stringify([before.address, before.place]);
        let after: EmergencyLocation = {
          ...before,
          ...fields,
          isDefault: patch.default ?? before.isDefault,
          updatedAt: ctx.now().toISOString(),
        };
        // A changed address must be registered again before it is usable for 911.
        if (addressChanged) {
          const registered = registrar.register({ ...after, status: 'pending', statusMessage: null });
          after = { ...after, status: registered.status, statusMessage: registered.message };
        }
        if (after.isDefault && !before.isDefault) takeDefault(actor, after);
        repo.updateLocation(after);
        audit(ctx, actor, 'location.update', { type: 'location', id }, before, after);
        if (after.isDefault !== before.isDefault) reResolveAll(actor);
        return after;
      });
    },

    /** PIDF-LO of a location (RFC 4119/5139). */
    locationPidf(id: string): string {
      const loc = mustLocation(id);
      return locationPidf({ id: loc.id, civic: civicOf(loc.address, loc.place) }, { at: new Date(loc.updatedAt) });
    },

    /** PIDF-LO of where a device is now (RFC 5491 device), or 404 when it resolves nowhere. */
    devicePidf(mac: string): string {
      const device = mustDevice(mac);
      const state = stateOf(device.id);
      const resolution = resolveFor(device, state, repo.allMapEntries());
      if (resolution.locationId === null) throw appError('NOT_FOUND', `device ${device.mac} resolves to no location`);
      const loc = mustLocation(resolution.locationId);
      return devicePidf(device.mac, { id: loc.id, civic: civicOf(loc.address, loc.place) }, {
        at: ctx.now(),
        method: methodFor(resolution.matchedBy),
      });
    },

    addMapEntry(actor: Principal, input: NetworkMapInput): NetworkMapEntry {
      const normalised = normaliseNetworkMapEntry(input);
      return store.transaction(() => {
        const loc = repo.getLocation(normalised.locationId) ?? unknownReference('locationId', 'location', normalised.locationId);
        checkSiteScope(actor, loc.siteId);
        assertNoConflict(normalised, repo.allMapEntries());
        const entry: NetworkMapEntry = { id: ctx.newId(), ...normalised };
        repo.insertMapEntry(entry, ctx.now().toISOString());
        audit(ctx, actor, 'network-map.create', { type: 'network-map', id: entry.id }, null, entry);
        reResolveAll(actor);
        return entry;
      });
    },

    /**
     * Adds many entries, all or nothing: each row is checked against the map plus the rows before
     * it; any bad row rolls everything back and IMPORT_REJECTED lists each bad row with its line.
     */
    importMap(actor: Principal, rows: readonly NetworkMapRow[]): { imported: number } {
      return importAllOrNothing(
        store,
        rows,
        ({ line: _line, ...input }) => {
          const normalised = normaliseNetworkMapEntry(input);
          const loc = repo.getLocation(normalised.locationId) ?? unknownReference('locationId', 'location', normalised.locationId);
          checkSiteScope(actor, loc.siteId);
          assertNoConflict(normalised, repo.allMapEntries());
          repo.insertMapEntry({ id: ctx.newId(), ...normalised }, ctx.now().toISOString());
        },
        () => {
          audit(ctx, actor, 'network-map.import', { type: 'network-map', id: ctx.newId() }, null, { imported: rows.length });
          reResolveAll(actor);
          return { imported: rows.length };
        },
      );
    },

    listMap: (filter: { locationId?: string }, page: Page) => listing(page, repo.listMapEntries(filter, page)),

    removeMapEntry(actor: Principal, id: string): void {
      store.transaction(() => {
        const before = repo.getMapEntry(id) ?? notFound('network map entry', id);
        const loc = repo.getLocation(before.locationId);
        checkSiteScope(actor, loc?.siteId ?? null);
        repo.deleteMapEntry(id);
        audit(ctx, actor, 'network-map.delete', { type: 'network-map', id }, before, null);
        reResolveAll(actor);
      });
    },

    /** Binds a device to a location by hand (`assigned` in the resolution order), or unbinds it. */
    assignLocation(actor: Principal, mac: string, locationId: string | null): DeviceStatus {
      const status = store.transaction(() => {
        const device = mustDevice(mac);
        checkSiteScope(actor, device.siteId);
        if (locationId !== null) {
          const loc = repo.getLocation(locationId) ?? unknownReference('locationId', 'location', locationId);
          if (device.siteId !== null && loc.siteId !== device.siteId) {
            throw appError('RULE_VIOLATION', 'the location belongs to another site than the device', { field: 'locationId' });
          }
        }
        const before = stateOf(device.id);
        const after = { ...before, assignedLocationId: locationId, updatedAt: ctx.now().toISOString() };
        repo.putDeviceState(after);
        reResolveAll(actor);
        audit(ctx, actor, 'device.location.assign', { type: 'device', id: device.mac }, { locationId: before.assignedLocationId }, { locationId });
        return statusOf(device, after, repo.allMapEntries());
      });
      for (const listener of listeners) listener(status);
      opts.statusChanged?.(status.mac);
      return status;
    },

    /**
     * Takes an agent report. A device token writes only its own device (403 for another MAC).
     * A replayed id is accepted and ignored; a report older than the newest one taken is
     * recorded but does not roll the state back. A change of resolved location is audited.
     */
    acceptReport(principal: DevicePrincipal, report: AgentReport): { duplicate: boolean } {
      const at = checkReport(principal, report);
      const result = store.transaction(() => {
        pruneReportIds();
        return applyReport(principal, report, at, repo.allMapEntries());
      });
      // After the commit: listeners (the status stream) only ever see stored state.
      if (!result.duplicate) taken(result.device, report);
      return { duplicate: result.duplicate };
    },

    /**
     * `acceptReport` for the agents' route: reports that arrive together share one transaction
     * (services/group-commit.ts), so a fleet reporting at once costs one disk commit per batch
     * instead of one per report. Resolves after the batch is committed.
     */
    async submitReport(principal: DevicePrincipal, report: AgentReport): Promise<{ duplicate: boolean }> {
      const at = checkReport(principal, report);
      const result = await reportBatches.run(() => applyReport(principal, report, at, batchMapEntries()));
      if (!result.duplicate) taken(result.device, report);
      return { duplicate: result.duplicate };
    },

    /** Commits the reports waiting for their batch (graceful shutdown). */
    flushReports: () => reportBatches.flush(),

    /** Calls `listener` with a device's status after each change; returns the unsubscribe. */
    onStatusChange(listener: StatusListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Counts over every device: live, SIP registered, located at a registered location, alerting. */
    fleetStatus(): FleetStatus {
      const entries = repo.allMapEntries();
      const counts: FleetStatus = { devices: 0, live: 0, registered: 0, located: 0, alerts: 0, switchAlerts: opts.otherAlerts?.({}).length ?? 0 };
      const page = { limit: 500, offset: 0 };
      for (;;) {
        const { items } = store.devices.list({}, page);
        for (const device of items) {
          const s = statusOf(device, stateOf(device.id), entries);
          counts.devices += 1;
          if (s.live) counts.live += 1;
          if (s.sip?.registered === true) counts.registered += 1;
          if (s.location?.status === 'registered') counts.located += 1;
          if (s.alerts.some((a) => a.severity === 'alert')) counts.alerts += 1;
        }
        if (items.length < page.limit) return counts;
        page.offset += page.limit;
      }
    },

    /**
     * Takes a phone's action-URL event: its fields are merged into the device's newest report
     * (an event says one thing; the agent's network evidence stays), then handled as a report.
     */
    acceptPhoneEvent(principal: DevicePrincipal, patch: Omit<AgentReport, 'id' | 'at'>): void {
      const state = repo.getDeviceState(principal.deviceId);
      const last = state?.lastReport ?? null;
      // A call is told once: the report that carried it is not merged into later events.
      const { id: _id, at: _at, call: _call, ...kept } = last ?? { id: '', at: '' };
      const network = patch.network === undefined ? kept.network : { ...kept.network, ...patch.network };
      const now = ctx.now();
      // Never older than the newest report, so an event is not mistaken for a late replay.
      const at = last === null || Date.parse(last.at) < now.getTime() ? now.toISOString() : last.at;
      service.acceptReport(principal, {
        ...kept,
        ...patch,
        ...(network === undefined ? {} : { network }),
        id: `event-${ctx.newId()}`,
        at,
      });
    },

    /** Tells status listeners of a device whose status changed outside this service (a location moved by a switch poll). */
    announce(mac: string): void {
      const device = store.devices.getByMac(mac);
      if (device !== undefined) emit(device);
    },

    /** Tells this instance's listeners only: another instance changed the device and told its peers. */
    announceFromPeer(mac: string): void {
      // No stream open here: nothing to read for (a fleet reporting elsewhere would cost a read each).
      if (listeners.size === 0) return;
      const device = store.devices.getByMac(mac);
      if (device !== undefined) emitHere(device);
    },

    deviceStatus(mac: string): DeviceStatus {
      const device = mustDevice(mac);
      return statusOf(device, stateOf(device.id), repo.allMapEntries());
    },

    /** Every device that currently has an alert or warning, with them; then every alerting switch. */
    alerts(filter: { siteId?: string } = {}): AlertItem[] {
      const entries = repo.allMapEntries();
      const out: AlertItem[] = [];
      for (const state of repo.allDeviceStates()) {
        const device = store.devices.get(state.deviceId);
        if (device === undefined) continue;
        if (filter.siteId !== undefined && device.siteId !== filter.siteId) continue;
        const alerts = statusOf(device, state, entries).alerts;
        if (alerts.length > 0) out.push({ source: 'device', mac: device.mac, deviceId: device.id, alerts });
      }
      for (const sw of opts.otherAlerts?.(filter) ?? []) out.push({ source: 'switch', ...sw });
      return out;
    },
  };
  return service;
}

export type E911Service = ReturnType<typeof createE911Service>;
