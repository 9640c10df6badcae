import { parseMac } from '../domain/mac-address.ts';
import type { Principal } from '../domain/roles.ts';
import type { SwitchWalk } from '../domain/snmp-tables.ts';
import {
  applySwitchPatch,
  switchView,
  validateSwitchInput,
  type SwitchInput,
  type SwitchPollState,
  type SwitchRecord,
} from '../domain/switch-inventory.ts';
import { switchAlerts, type SwitchAlertCode, type SwitchAlerts } from '../domain/switch-alerts.ts';
import { locateMacs } from '../domain/switch-locate.ts';
import type { SwitchCsvRow } from '../domain/switch-csv.ts';
import { appError } from '../errors.ts';
import type { Page } from '../store/repositories.ts';
import type { SwitchRepository, SwitchSighting } from '../store/switch-repo.ts';
import { importAllOrNothing } from './all-or-nothing-import.ts';
import { audit, checkSiteScope, listing, notFound, SYSTEM, type ServiceContext, unknownReference } from './context.ts';
import type { LocationEvidence } from './location-evidence.ts';

/** Why a poll failed; the code names the alert (docs/LOCATION.md). */
export type PollFailureCode = SwitchAlertCode;

/** A failed poll. The message never carries a community or key. */
export class SwitchPollError extends Error {
  constructor(
    readonly code: PollFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'SwitchPollError';
  }
}

/** Walks one switch (the SNMP I/O, `server/location/`); rejects with SwitchPollError. */
export type SwitchWalker = (target: SwitchRecord) => Promise<SwitchWalk>;

export interface SwitchServiceOptions {
  /** More learned MACs than this on a port make it an uplink (default 10). */
  uplinkMacThreshold?: number;
  /** An on-demand poll within this time of the last one is refused with 429 (default 10 s). */
  minPollIntervalMs?: number;
  /**
   * Told, after the commit, the MACs of devices whose location a poll, sweep, removal or request
   * address moved: the status stream announces them (services/index.ts wires it to e911).
   */
  announceMoved?: (macs: readonly string[]) => void;
}

export type SwitchView = ReturnType<typeof switchView> & { poll: SwitchPollState | null };

/** An alert about a switch: it did not answer, or refused our credentials. */
export interface SwitchAlert {
  switchId: string;
  name: string;
  code: string;
  message: string;
  since: string;
}

/** A switch's alert raised, changed or cleared (`alerts: []`, `since: null`), for the status stream. */
export type SwitchAlertChange = Omit<SwitchAlerts, 'since'> & { since: string | null };

export interface PollOutcome {
  ok: boolean;
  error: { code: string; message: string } | null;
  macsSeen: number;
  phonesLocated: number;
  /** Devices whose resolved location changed because of this poll. */
  moved: string[];
}

export function createSwitchService(
  ctx: ServiceContext,
  repo: SwitchRepository,
  evidence: LocationEvidence,
  walker: SwitchWalker,
  opts: SwitchServiceOptions = {},
) {
  const { store } = ctx;
  const uplinkMacThreshold = opts.uplinkMacThreshold ?? 10;
  const minPollIntervalMs = opts.minPollIntervalMs ?? 10_000;
  const inFlight = new Map<string, Promise<PollOutcome>>();
  const alertListeners = new Set<(change: SwitchAlertChange) => void>();
  const announce = (macs: readonly string[]): void => {
    if (macs.length > 0) opts.announceMoved?.(macs);
  };

  const must = (id: string): SwitchRecord => repo.get(id) ?? notFound('switch', id);
  const view = (s: SwitchRecord): SwitchView => ({ ...switchView(s), poll: repo.pollState(s.id) ?? null });

  function checkUnique(s: Omit<SwitchRecord, 'id' | 'createdAt' | 'updatedAt'>, exceptId: string | null): void {
    const other = repo.byAddress(s.host, s.port);
    if (other !== undefined && other.id !== exceptId) {
      throw appError('CONFLICT', `switch ${other.id} already has address ${s.host}:${s.port}`, { field: 'host' });
    }
  }

  function checkSite(siteId: string | null): void {
    if (siteId !== null && store.sites.get(siteId) === undefined) unknownReference('siteId', 'site', siteId);
  }

  function relocateAll(deviceIds: Iterable<string>): string[] {
    const moved: string[] = [];
    const entries = evidence.mapEntries();
    for (const id of new Set(deviceIds)) {
      const device = store.devices.get(id);
      if (device !== undefined && evidence.relocate(device, entries)) moved.push(device.mac);
    }
    return moved;
  }

  /** Stores one successful walk: sightings replaced, chassis id learned, devices re-resolved. */
  function applyWalk(sw: SwitchRecord, walk: SwitchWalk): PollOutcome {
    const result = locateMacs(walk, { uplinkMacThreshold, uplinkPorts: sw.uplinkPorts, knownChassisId: sw.chassisId });
    return store.transaction(() => {
      const at = ctx.now().toISOString();
      const current = repo.get(sw.id);
      if (current === undefined) return { ok: false, error: null, macsSeen: 0, phonesLocated: 0, moved: [] };
      const sightings: SwitchSighting[] = [];
      for (const s of result.sightings) {
        const device = store.devices.getByMac(s.mac);
        if (device === undefined) continue;
        sightings.push({
          deviceId: device.id,
          switchId: sw.id,
          network: { lldp: { chassisId: s.chassisId, portId: { type: 'ifname', value: s.portId } } },
          observedAt: at,
        });
      }
      const before = new Map(repo.sightingsOfSwitch(sw.id).map((s) => [s.deviceId, JSON.stringify(s.network)]));
      repo.replaceSightings(sw.id, sightings);
      // Only devices that appeared, left or changed port can resolve differently, and those with
      // agent evidence too: a fresher sighting of the same port can now outrank the agent's.
      const changed = new Set(before.keys());
      for (const s of sightings) {
        if (before.get(s.deviceId) === JSON.stringify(s.network) && !evidence.hasAgentEvidence(s.deviceId)) changed.delete(s.deviceId);
        else changed.add(s.deviceId);
      }
      if (result.chassisId !== null && result.chassisId.value !== current.chassisId?.value) {
        repo.update({ ...current, chassisId: result.chassisId, updatedAt: at });
      }
      const previous = repo.pollState(sw.id);
      repo.putPollState({
        switchId: sw.id,
        lastPollAt: at,
        lastSuccessAt: at,
        error: null,
        failingSince: null,
        macsSeen: result.sightings.length,
        phonesLocated: sightings.length,
        uplinks: result.uplinks.map(({ portId, reason, macs }) => ({ portId, reason, macs })),
      });
      if (previous?.error != null) audit(ctx, SYSTEM, 'switch.poll.recovered', { type: 'switch', id: sw.id }, previous.error, null);
      const moved = relocateAll(changed);
      return { ok: true, error: null, macsSeen: result.sightings.length, phonesLocated: sightings.length, moved };
    });
  }

  /** A failed poll changes nothing but the switch's poll state (an alert until a poll succeeds). */
  function recordFailure(sw: SwitchRecord, err: unknown): PollOutcome {
    const error =
      err instanceof SwitchPollError
        ? { code: err.code, message: err.message }
        : { code: 'SWITCH_BAD_RESPONSE', message: 'the walk could not be read or stored' };
    store.transaction(() => {
      if (repo.get(sw.id) === undefined) return;
      const at = ctx.now().toISOString();
      const previous = repo.pollState(sw.id);
      repo.putPollState({
        switchId: sw.id,
        lastPollAt: at,
        lastSuccessAt: previous?.lastSuccessAt ?? null,
        error,
        failingSince: previous?.failingSince ?? at,
        macsSeen: previous?.macsSeen ?? 0,
        phonesLocated: previous?.phonesLocated ?? 0,
        uplinks: previous?.uplinks ?? [],
      });
      if (previous?.error?.code !== error.code) audit(ctx, SYSTEM, 'switch.poll.failed', { type: 'switch', id: sw.id }, null, error);
    });
    return { ok: false, error, macsSeen: 0, phonesLocated: 0, moved: [] };
  }

  function alertsBySwitch(filter: { siteId?: string } = {}): SwitchAlerts[] {
    const out: SwitchAlerts[] = [];
    for (const sw of repo.all()) {
      if (filter.siteId !== undefined && sw.siteId !== filter.siteId) continue;
      const alerting = switchAlerts(sw, repo.pollState(sw.id));
      if (alerting !== null) out.push(alerting);
    }
    return out;
  }

  async function walkAndStore(sw: SwitchRecord): Promise<PollOutcome> {
    let walk: SwitchWalk;
    try {
      walk = await walker(sw);
    } catch (err) {
      return recordFailure(sw, err);
    }
    try {
      return applyWalk(sw, walk);
    } catch (err) {
      return recordFailure(sw, err);
    }
  }

  /** Polls, then tells listeners (after the commit) when the switch's alert was raised, changed or cleared. */
  async function runPoll(sw: SwitchRecord): Promise<PollOutcome> {
    const codes = (a: SwitchAlerts | null) => (a?.alerts ?? []).map((x) => x.code).join();
    const before = switchAlerts(sw, repo.pollState(sw.id));
    const outcome = await walkAndStore(sw);
    announce(outcome.moved);
    const current = repo.get(sw.id);
    if (current !== undefined && alertListeners.size > 0) {
      const after = switchAlerts(current, repo.pollState(sw.id));
      if (codes(before) !== codes(after)) {
        const change: SwitchAlertChange = after ?? { switchId: current.id, name: current.name, siteId: current.siteId, since: null, alerts: [] };
        for (const listener of alertListeners) listener(change);
      }
    }
    return outcome;
  }

  return {
    create(actor: Principal, input: SwitchInput): SwitchView {
      const fields = validateSwitchInput(input);
      checkSiteScope(actor, fields.siteId);
      return store.transaction(() => {
        checkSite(fields.siteId);
        checkUnique(fields, null);
        const at = ctx.now().toISOString();
        const sw: SwitchRecord = { id: ctx.newId(), ...fields, createdAt: at, updatedAt: at };
        repo.insert(sw);
        audit(ctx, actor, 'switch.create', { type: 'switch', id: sw.id }, null, switchView(sw));
        return view(sw);
      });
    },

    /**
     * Adds every switch of a CSV in one transaction: any bad row rolls all back and
     * IMPORT_REJECTED lists each bad row with its line (as the network map import does).
     */
    importSwitches(actor: Principal, rows: readonly SwitchCsvRow[]): { imported: number } {
      return importAllOrNothing(
        store,
        rows,
        ({ line: _line, ...input }) => {
          const fields = validateSwitchInput(input);
          checkSiteScope(actor, fields.siteId);
          checkSite(fields.siteId);
          checkUnique(fields, null);
          const at = ctx.now().toISOString();
          repo.insert({ id: ctx.newId(), ...fields, createdAt: at, updatedAt: at });
        },
        () => {
          audit(ctx, actor, 'switch.import', { type: 'switch', id: ctx.newId() }, null, { imported: rows.length });
          return { imported: rows.length };
        },
      );
    },

    get: (id: string): SwitchView => view(must(id)),

    list(filter: { siteId?: string }, page: Page) {
      const result = repo.list(filter, page);
      return listing(page, { items: result.items.map(view), total: result.total });
    },

    update(actor: Principal, id: string, patch: SwitchInput): SwitchView {
      return store.transaction(() => {
        const before = must(id);
        checkSiteScope(actor, before.siteId);
        const fields = applySwitchPatch(before, patch);
        checkSiteScope(actor, fields.siteId);
        checkSite(fields.siteId);
        checkUnique(fields, id);
        const after: SwitchRecord = { ...before, ...fields, updatedAt: ctx.now().toISOString() };
        repo.update(after);
        audit(ctx, actor, 'switch.update', { type: 'switch', id }, switchView(before), switchView(after));
        return view(after);
      });
    },

    /** Removes a switch and its sightings; devices it placed are re-resolved from what is left. */
    remove(actor: Principal, id: string): void {
      const moved = store.transaction(() => {
        const before = must(id);
        checkSiteScope(actor, before.siteId);
        const placed = repo.sightingsOfSwitch(id).map((s) => s.deviceId);
        repo.delete(id);
        audit(ctx, actor, 'switch.delete', { type: 'switch', id }, switchView(before), null);
        return relocateAll(placed);
      });
      announce(moved);
    },

    /**
     * Polls a switch now. A poll already running for it is joined, not repeated; one that ended
     * less than `minPollIntervalMs` ago is refused with RATE_LIMITED, so the API cannot be used to
     * flood a switch's SNMP agent (which on many switches shares a slow management CPU).
     */
    poll(actor: Principal, id: string): Promise<PollOutcome> {
      const sw = must(id);
      checkSiteScope(actor, sw.siteId);
      const running = inFlight.get(id);
      if (running !== undefined) return running;
      const last = repo.pollState(id)?.lastPollAt;
      if (last != null && ctx.now().getTime() - Date.parse(last) < minPollIntervalMs) {
        throw appError('RATE_LIMITED', `switch ${id} was polled less than ${Math.round(minPollIntervalMs / 1000)} s ago`);
      }
      return this.pollNow(sw);
    },

    /** Polls without the rate check (the scheduler spaces its own polls); joins a running poll. */
    pollNow(sw: SwitchRecord): Promise<PollOutcome> {
      const running = inFlight.get(sw.id);
      if (running !== undefined) return running;
      const p = runPoll(sw).finally(() => inFlight.delete(sw.id));
      inFlight.set(sw.id, p);
      return p;
    },

    /** Every switch, with its credentials, for the scheduler only. */
    all: (): SwitchRecord[] => repo.all(),

    pollState: (id: string) => repo.pollState(id),

    /** Switches whose last poll failed: not answering, or refusing our credentials. */
    alerts(filter: { siteId?: string } = {}): SwitchAlert[] {
      return alertsBySwitch(filter).flatMap((s) => s.alerts.map((a) => ({ switchId: s.switchId, name: s.name, code: a.code, message: a.message, since: s.since })));
    },

    /** The same, grouped per switch as `GET /api/v1/alerts` lists them beside the devices'. */
    alertsBySwitch,

    /** Calls `listener` after each poll that raised, changed or cleared a switch's alert; returns the unsubscribe. */
    onAlertChange(listener: (change: SwitchAlertChange) => void): () => void {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },

    /**
     * Re-resolves the devices whose evidence changed outside a poll or an event since the last
     * sweep: a provisioning fetch (possibly from a new subnet), or evidence that aged out. Stores
     * and audits each change; returns the MACs that moved. Incremental, because resolving a device
     * against a large network map is not cheap and the sweep runs every minute.
     */
    sweep(): string[] {
      const now = ctx.now().getTime();
      const iso = (t: number) => new Date(t).toISOString();
      // The mark is shared by every instance on the database, so a device is swept once, not
      // once per instance. The very first sweep also looks at the hour before: fetches taken
      // just before a restart.
      const from = Date.parse(store.transaction(() => repo.advanceSweep(iso(now), iso(now - 3_600_000))));
      const window = (source: 'snmp' | 'request'): [string, string] => {
        const age = evidence.maxAgeMs[source] ?? Number.POSITIVE_INFINITY;
        return Number.isFinite(age) ? [iso(from - age), iso(now - age)] : [iso(now), iso(now)];
      };
      const ids = repo.devicesToRecheck({ changedSince: iso(from), requestExpired: window('request'), snmpExpired: window('snmp') });
      const moved: string[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        store.transaction(() => moved.push(...relocateAll(ids.slice(i, i + 500))));
      }
      announce(moved);
      return moved;
    },

    /**
     * Records the source address of a device's request other than a file fetch (an action-URL
     * event) as request evidence, and re-resolves the device at once. Never throws into the
     * request that carried it: a failure here must not cost the phone its answer.
     */
    recordRequestSource(deviceId: string, ip: string, origin = 'event'): void {
      try {
        const moved = store.transaction(() => {
          const device = store.devices.get(deviceId);
          if (device === undefined) return [];
          repo.putRequestSighting({ deviceId, origin, ip, observedAt: ctx.now().toISOString() });
          return evidence.relocate(device) ? [device.mac] : [];
        });
        announce(moved);
      } catch {
        // Location evidence is best effort; the next sweep or request tries again.
      }
    },

    /** The evidence behind a device's location: each piece with source and age, and which won. */
    deviceEvidence(mac: string) {
      const canonical = parseMac(mac);
      const device = store.devices.getByMac(canonical) ?? notFound('device', canonical);
      return { mac: device.mac, ...evidence.explain(device) };
    },
  };
}

export type SwitchService = ReturnType<typeof createSwitchService>;
