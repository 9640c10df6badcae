import type { Device } from '../domain/device.ts';
import { pickCanaries, ringOf, ringsProblem, type RingRule } from '../domain/firmware-rings.ts';
import {
  deviceProgress,
  firmwareChoice,
  stepRollout,
  type DeviceFacts,
  type DeviceProgressState,
  type HaltRule,
  type RolloutDecision,
  type RolloutPlan,
} from '../domain/firmware-rollout.ts';
import { compareVersions, nextHop, pathProblem, type FirmwareHop } from '../domain/firmware-version.ts';
import { inWindow, windowProblem, type MaintenanceWindow } from '../domain/maintenance-window.ts';
import type { Principal } from '../domain/roles.ts';
import { appError } from '../errors.ts';
import type { FirmwareProblem } from '../io/firmware-store.ts';
import type { ModelProfile } from '../provisioning/types.ts';
import type { Rollout, RolloutDevice, RolloutRepository } from '../store/rollout-repo.ts';
import { audit, checkSiteScope, notFound, SYSTEM, unknownReference, type ServiceContext } from './context.ts';

/**
 * Staged firmware rollouts (docs/FIRMWARE.md): creation with its checks, the phone pipeline's
 * per-fetch question "which release does this phone's config point at", the periodic tick that
 * opens rings and applies the halt rule, halt/resume by an admin, and firmware alerts. Every
 * decision is an audit event in the same transaction as the state it changes.
 */

export interface RolloutInput {
  siteId: string;
  model: string;
  targetVersion: string;
  file: string;
  /** Releases the model must pass through before the target, oldest first. */
  upgradePath?: FirmwareHop[];
  /** The release halted rings are pointed back at; without it their configs carry no firmware. */
  revert?: FirmwareHop;
  rings: RingRule[];
  window: MaintenanceWindow;
  soakMinutes: number;
  halt: HaltRule;
}

/** What the server knows of a device besides its fetches: the newest agent report. */
export interface ReportedState {
  firmware: string | null;
  registered: boolean | null;
  lastSeen: string | null;
}

export interface FirmwareRolloutDeps {
  repo: RolloutRepository;
  /** Whether the firmware store holds the image intact (hash checked). */
  isServable: (vendor: string, file: string) => Promise<boolean>;
  /** Agent-report facts per device (the E911 device status); absent: fetches only. */
  reported?: (device: Device) => ReportedState;
  publicUrl: () => string;
  /** Asks a phone to fetch its config now (SIP check-sync); fire and forget. Absent: phones resync on their own. */
  checkSync?: (device: Device) => void;
  onAlert?: (alert: { code: string; subject: string; message: string }) => void;
}

export interface DeviceProgressView {
  mac: string;
  ring: number;
  ringName: string;
  version: string | null;
  offered: { version: string; at: string } | null;
  state: DeviceProgressState;
}

export type RolloutView = ReturnType<typeof publicRollout> & { devices?: DeviceProgressView[] };

function planOf(r: Rollout): RolloutPlan {
  return { rings: r.rings, path: r.path, soakMinutes: r.soakMinutes, halt: r.halt, revert: r.revert };
}

function publicRollout(r: Rollout) {
  const target = r.path[r.path.length - 1] as FirmwareHop;
  return {
    id: r.id,
    siteId: r.siteId,
    model: r.model,
    targetVersion: target.version,
    file: target.file,
    upgradePath: r.path.slice(0, -1),
    revert: r.revert,
    rings: r.rings,
    window: { start: r.window.start, end: r.window.end, ...(r.window.days === undefined ? {} : { days: [...r.window.days] }) },
    soakMinutes: r.soakMinutes,
    halt: r.halt,
    status: r.status,
    ring: r.ring,
    ringName: r.rings[r.ring]?.name ?? '',
    ringStartedAt: r.ringStartedAt,
    ringCompletedAt: r.ringCompletedAt,
    haltReason: r.haltReason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function createFirmwareRollouts(ctx: ServiceContext, deps: FirmwareRolloutDeps) {
  const { store, catalog } = ctx;
  const { repo } = deps;
  /** Rollout per `site|model` for the hot path; every write here clears it. */
  const bySiteModel = new Map<string, Rollout | null>();
  const forget = (): void => bySiteModel.clear();

  const siteDevices = (siteId: string, model: string): Device[] =>
    store.devices.list({ siteId, model }, { limit: 1_000_000, offset: 0 }).items.filter((d) => d.state === 'provisioned');

  const mustRollout = (id: string): Rollout => repo.get(id) ?? notFound('rollout', id);

  function raise(code: string, subject: string, message: string): void {
    if (repo.hasOpenAlert(code, subject)) return;
    repo.raiseAlert({ id: ctx.newId(), at: ctx.now().toISOString(), code, subject, message });
    deps.onAlert?.({ code, subject, message });
  }

  function record(actor: Principal, r: Rollout, decision: RolloutDecision): void {
    const { action, ...details } = decision;
    audit(ctx, actor, action, { type: 'rollout', id: r.id }, null, details);
    if (decision.action === 'rollout.halted') {
      raise('ROLLOUT_HALTED', r.id, `rollout of ${r.model} at site ${r.siteId} halted in ring ${r.rings[decision.ring]?.name ?? decision.ring}: ${decision.reason}`);
    }
  }

  function memberRow(r: Rollout, device: Device, at: string): RolloutDevice {
    return {
      rolloutId: r.id,
      deviceId: device.id,
      ring: ringOf(device.id, r.rings, r.canaries),
      version: device.lastSeen?.firmware ?? null,
      offered: null,
      updatedAt: at,
    };
  }

  /** Keeps a row's version current; an installed offer is cleared (the next hop is offered anew). */
  function observed(row: RolloutDevice, version: string, at: string): RolloutDevice {
    const installed = row.offered !== null && compareVersions(version, row.offered.version) >= 0;
    return { ...row, version, offered: installed ? null : row.offered, updatedAt: at };
  }

  function facts(r: Rollout): { devices: Device[]; facts: DeviceFacts[] } {
    const at = ctx.now().toISOString();
    const rows = new Map(repo.devices(r.id).map((row) => [row.deviceId, row]));
    const out: DeviceFacts[] = [];
    const devices = siteDevices(r.siteId, r.model);
    for (const device of devices) {
      let row = rows.get(device.id) ?? memberRow(r, device, at);
      const report = deps.reported?.(device);
      if (report?.firmware != null && report.firmware !== row.version && (report.lastSeen ?? '') > row.updatedAt) {
        row = observed(row, report.firmware, at);
      }
      if (row !== rows.get(device.id)) repo.upsertDevice(row);
      rows.set(device.id, row);
      out.push({
        deviceId: device.id,
        ring: row.ring,
        version: row.version,
        offered: row.offered,
        registered: report?.registered ?? null,
        lastSeenAt: report?.lastSeen ?? device.lastSeen?.at ?? null,
      });
    }
    return { devices, facts: out };
  }

  /** When each device was last nudged for a hop (`rollout|device|version`), so ticks do not repeat it. */
  const nudged = new Map<string, number>();

  /**
   * Check-sync for devices of the open rings that have a hop to take and were not offered it yet,
   * inside the window, at most once an hour per device and hop: they fetch their config now
   * instead of at their next periodic resync.
   */
  function nudges(r: Rollout, devices: readonly Device[], all: readonly DeviceFacts[]): Device[] {
    if (deps.checkSync === undefined || r.status !== 'active') return [];
    const site = store.sites.get(r.siteId);
    const now = ctx.now();
    if (site === undefined || !inWindow(r.window, site.timezone, now)) return [];
    const byId = new Map(devices.map((d) => [d.id, d]));
    const out: Device[] = [];
    for (const f of all) {
      if (f.ring > r.ring || f.offered !== null || f.version === null) continue;
      const hop = nextHop(f.version, r.path);
      const device = byId.get(f.deviceId);
      if (hop === undefined || device === undefined) continue;
      const key = `${r.id}|${f.deviceId}|${hop.version}`;
      const last = nudged.get(key);
      if (last !== undefined && now.getTime() - last < 3_600_000) continue;
      nudged.set(key, now.getTime());
      out.push(device);
    }
    return out;
  }

  async function validate(input: RolloutInput): Promise<{ model: ModelProfile; path: FirmwareHop[]; timezone: string }> {
    const site = store.sites.get(input.siteId) ?? unknownReference('siteId', 'site', input.siteId);
    const model = catalog.get(input.model);
    if (model === undefined) throw appError('UNKNOWN_MODEL', `no model ${input.model} in the catalogue`, { field: 'model' });
    const path = [...(input.upgradePath ?? []), { version: input.targetVersion, file: input.file }];
    const problems: Array<[string, string | null]> = [
      ['upgradePath', pathProblem(path)],
      ['rings', ringsProblem(input.rings)],
      ['window', windowProblem(input.window, site.timezone)],
    ];
    for (const [field, problem] of problems) if (problem !== null) throw appError('RULE_VIOLATION', problem, { field });
    for (const hop of [...path, ...(input.revert === undefined ? [] : [input.revert])]) {
      if (!(await deps.isServable(model.vendor, hop.file))) {
        throw appError('RULE_VIOLATION', `firmware ${model.vendor}/${hop.file} is not in the store with a matching sha256`, { field: 'file' });
      }
    }
    const current = repo.forSiteModel(input.siteId, input.model);
    if (current?.status === 'active') throw appError('CONFLICT', `rollout ${current.id} of ${input.model} at this site is still active`);
    return { model, path, timezone: site.timezone };
  }

  const service = {
    async create(actor: Principal, input: RolloutInput): Promise<RolloutView> {
      checkSiteScope(actor, input.siteId);
      const { path } = await validate(input);
      const at = ctx.now().toISOString();
      const devices = siteDevices(input.siteId, input.model);
      const rollout: Rollout = {
        id: ctx.newId(),
        siteId: input.siteId,
        model: input.model,
        path,
        revert: input.revert ?? null,
        rings: input.rings.map((ring) => ({ ...ring })),
        canaries: pickCanaries(input.rings, devices.map((d) => d.id)),
        window: { ...input.window },
        soakMinutes: input.soakMinutes,
        halt: { ...input.halt },
        status: 'active',
        ring: 0,
        ringStartedAt: at,
        ringCompletedAt: null,
        haltReason: null,
        createdAt: at,
        updatedAt: at,
      };
      store.transaction(() => {
        // The race with another create for the same site and model is settled inside the write lock.
        // A halted rollout may be superseded (the newest rollout of a site and model is the one
        // that applies); an active one must be halted first.
        const current = repo.forSiteModel(input.siteId, input.model);
        if (current?.status === 'active') throw appError('CONFLICT', `rollout ${current.id} is still active`);
        if (current?.status === 'halted') repo.clearAlerts('ROLLOUT_HALTED', current.id, at);
        repo.insert(rollout);
        for (const device of devices) repo.upsertDevice(memberRow(rollout, device, at));
        audit(ctx, actor, 'rollout.create', { type: 'rollout', id: rollout.id }, null, publicRollout(rollout));
      });
      forget();
      return service.get(rollout.id);
    },

    /** Rollouts newest first; a site-scoped token sees its own site's only. */
    list(actor: Principal, filter: { siteId?: string; status?: string } = {}): RolloutView[] {
      if (actor.siteId !== null) checkSiteScope(actor, filter.siteId ?? actor.siteId);
      const scoped = actor.siteId === null ? filter : { ...filter, siteId: actor.siteId };
      return repo.list(scoped).map(publicRollout);
    },

    /** One rollout with every device's ring and progress. */
    get(id: string, actor: Principal = SYSTEM): RolloutView {
      const r = mustRollout(id);
      checkSiteScope(actor, r.siteId);
      const plan = planOf(r);
      const now = ctx.now();
      const devices = repo.devices(r.id).flatMap((row) => {
        const device = store.devices.get(row.deviceId);
        if (device === undefined) return [];
        const fact = { deviceId: row.deviceId, ring: row.ring, version: row.version, offered: row.offered, registered: null, lastSeenAt: device.lastSeen?.at ?? null };
        return [{ mac: device.mac, ring: row.ring, ringName: r.rings[row.ring]?.name ?? '', version: row.version, offered: row.offered, state: deviceProgress(plan, fact, now) }];
      });
      return { ...publicRollout(r), devices };
    },

    halt(actor: Principal, id: string, reason = 'halted by an administrator'): RolloutView {
      const r = mustRollout(id);
      checkSiteScope(actor, r.siteId);
      if (r.status !== 'active') throw appError('CONFLICT', `rollout ${id} is ${r.status}, not active`);
      store.transaction(() => {
        repo.updateState(r.id, { ...r, status: 'halted', haltReason: reason }, ctx.now().toISOString());
        record(actor, r, { action: 'rollout.halted', ring: r.ring, reason, devices: [] });
      });
      forget();
      return service.get(id);
    },

    /** Re-opens a halted rollout; devices still short of their offer get a fresh no-return period. */
    resume(actor: Principal, id: string): RolloutView {
      const r = mustRollout(id);
      checkSiteScope(actor, r.siteId);
      if (r.status !== 'halted') throw appError('CONFLICT', `rollout ${id} is ${r.status}, not halted`);
      const at = ctx.now().toISOString();
      store.transaction(() => {
        for (const row of repo.devices(r.id)) if (row.offered !== null) repo.upsertDevice({ ...row, offered: null, updatedAt: at });
        repo.updateState(r.id, { ...r, status: 'active', haltReason: null }, at);
        repo.clearAlerts('ROLLOUT_HALTED', r.id, at);
        audit(ctx, actor, 'rollout.resumed', { type: 'rollout', id: r.id }, { status: r.status, haltReason: r.haltReason }, { status: 'active' });
      });
      forget();
      return service.get(id);
    },

    /** Applies the halt rule and opens rings for every active rollout; returns the decisions taken. */
    tick(): Array<{ rolloutId: string; decision: RolloutDecision }> {
      const taken: Array<{ rolloutId: string; decision: RolloutDecision }> = [];
      for (const r of repo.active()) {
        const toNudge = store.transaction(() => {
          const { devices, facts: all } = facts(r);
          const { state, decisions } = stepRollout(planOf(r), r, all, ctx.now());
          if (decisions.length > 0) repo.updateState(r.id, state, ctx.now().toISOString());
          for (const decision of decisions) {
            record(SYSTEM, r, decision);
            taken.push({ rolloutId: r.id, decision });
          }
          // Ring membership counts as of the new state, so a ring opened by this step is nudged now.
          const pushed = nudges({ ...r, ...state }, devices, all);
          for (const device of pushed) audit(ctx, SYSTEM, 'rollout.check-sync', { type: 'rollout', id: r.id }, null, { mac: device.mac });
          return pushed;
        });
        for (const device of toNudge) deps.checkSync?.(device);
      }
      if (taken.length > 0) forget();
      return taken;
    },

    /**
     * The release this device's config points at: undefined when no rollout covers its site and
     * model (the profile's pinned firmware applies), null for none (it keeps what it runs), else the
     * URL and version. `reported` is the version in the request's User-Agent, when it carries one.
     */
    firmwareFor(device: Device, model: ModelProfile, reported: string | undefined): { url: string; version: string } | null | undefined {
      if (device.siteId === null) return undefined;
      const key = `${device.siteId}|${model.id}`;
      let r = bySiteModel.get(key);
      if (r === undefined) {
        r = repo.forSiteModel(device.siteId, model.id) ?? null;
        bySiteModel.set(key, r);
      }
      if (r === null) return undefined;
      const site = store.sites.get(r.siteId);
      if (site === undefined) return undefined;
      const now = ctx.now();
      const at = now.toISOString();
      const before = repo.device(r.id, device.id);
      let row = before ?? memberRow(r, device, at);
      if (reported !== undefined && reported !== row.version) row = observed(row, reported, at);
      const hop = firmwareChoice(planOf(r), r, row.ring, row.version, inWindow(r.window, site.timezone, now));
      const isOffer = hop !== null && r.status !== 'halted' && row.offered?.version !== hop.version;
      if (isOffer) row = { ...row, offered: { version: hop.version, at }, updatedAt: at };
      if (row !== before) {
        store.transaction(() => {
          repo.upsertDevice(row);
          if (isOffer) audit(ctx, SYSTEM, 'rollout.offered', { type: 'rollout', id: r.id }, null, { mac: device.mac, from: row.version, version: hop.version });
        });
      }
      if (hop === null) return null;
      return { url: `${deps.publicUrl()}firmware/${encodeURIComponent(model.vendor)}/${encodeURIComponent(hop.file)}`, version: hop.version };
    },

    /** The firmware store found an image unfit: an alert (once until cleared) and an audit event. */
    firmwareProblem(vendor: string, file: string, problem: FirmwareProblem): void {
      const subject = `${vendor}/${file}`;
      const code = `FIRMWARE_${problem.toUpperCase()}`;
      if (repo.hasOpenAlert(code, subject)) return;
      store.transaction(() => {
        raise(code, subject, `firmware ${subject} is ${problem}: it is not served until uploaded again with its sha256`);
        audit(ctx, SYSTEM, 'firmware.problem', { type: 'firmware', id: subject }, null, { problem });
      });
    },

    /** A fresh upload with a matching hash ends the image's alerts. */
    firmwareStored(vendor: string, file: string): void {
      const at = ctx.now().toISOString();
      for (const code of ['FIRMWARE_CORRUPT', 'FIRMWARE_UNVERIFIED', 'FIRMWARE_MISSING']) repo.clearAlerts(code, `${vendor}/${file}`, at);
    },

    alerts: () => repo.openAlerts(),
  };
  return service;
}

export type FirmwareRollouts = ReturnType<typeof createFirmwareRollouts>;
