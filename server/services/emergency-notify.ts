import type { Device } from '../domain/device.ts';
import type { Alert } from '../domain/e911-alerts.ts';
import type { AgentReport } from '../domain/e911-evidence.ts';
import type { EmergencyLocation } from '../domain/e911-location.ts';
import {
  civicFields,
  describeTarget,
  dispatchableText,
  emergencyNumbersFor,
  isSameCall,
  matchEmergency,
  retryDelayMs,
  type EmergencyNotice,
  type ToldCall,
} from '../domain/emergency-call.ts';
import type { Principal } from '../domain/roles.ts';
import { audit, type ServiceContext } from './context.ts';
import type { E911Service } from './e911.ts';
import { webhookChannel, type NotifyChannel } from './notify-channels.ts';

/**
 * Kari's Law notification (47 CFR 9.16, E911-SECURITY.md §1.4): when a device reports an
 * outgoing call (agent report `call`, or an `outgoing_call` action URL) to one of the emergency
 * numbers of its location's country, every `notifyTargets[]` entry of the device's resolved
 * location (the site default when nothing else places it) is told: who, where, callback number.
 *
 * Runs beside the phone's request, never in it: the report is answered first, deliveries go on
 * in the background with a time limit per attempt and bounded, doubling retries. A target that
 * never takes the notice is an alert on the device (`EMERGENCY_NOTIFY_FAILED`), logged and
 * audited. Every delivery, sent or failed, is an audit event.
 */

export interface EmergencyNotifyOptions {
  /** Numbers added to every country's defaults (domain/emergency-call.ts), e.g. a site's own. */
  extraNumbers?: string[];
  /** Outside-line prefixes a PBX may take before the number (`9` for `9911`); none by default. */
  dialPrefixes?: string[];
  /** Attempts per target, the first included (default 4). */
  attempts?: number;
  /** Delay before the first retry, doubled for each next one (default 1 s). */
  retryBaseMs?: number;
  /** Longest delay between retries (default 30 s). */
  retryMaxMs?: number;
  /** Time limit of one attempt (default 5 s). */
  timeoutMs?: number;
  /** Reports of the same emergency number from one device this close together are one call (default 2 min). */
  sameCallWithinMs?: number;
  /** How long a failed delivery stays an alert unless a later one to that target succeeds (default 24 h). */
  alertForMs?: number;
  /** Delivery channels by target scheme; the webhook channel when absent. */
  channels?: NotifyChannel[];
  /** Where failures are logged (the server's logger); the messages hold no secret. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** Where a device is, as e911 resolves it (services/e911.ts). */
export interface PlacedAt {
  location: EmergencyLocation;
  matchedBy: string | null;
  unresolved: boolean;
}

export interface EmergencyNotifyDeps {
  /** The device's resolved location, the site default when nothing else matches; null when none. */
  locate(device: Device): PlacedAt | null;
}

interface FailedTarget {
  target: string;
  message: string;
  at: number;
}

export function createEmergencyNotify(ctx: ServiceContext, deps: EmergencyNotifyDeps, opts: EmergencyNotifyOptions = {}) {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const sameCallWithinMs = opts.sameCallWithinMs ?? 120_000;
  const alertForMs = opts.alertForMs ?? 24 * 3600 * 1000;
  const channels = opts.channels ?? [webhookChannel()];
  const log = opts.log ?? (() => undefined);

  /** Calls already told, per device and emergency number; entries older than the window are dropped. */
  const told = new Map<string, ToldCall[]>();
  /** Failed deliveries per device id, by target. */
  const failures = new Map<string, Map<string, FailedTarget>>();
  const inFlight = new Set<Promise<void>>();
  /** Retry waits under way, each with the way to end it early (close). */
  const waits = new Map<NodeJS.Timeout, () => void>();
  const aborts = new Set<AbortController>();
  let closed = false;

  const actorOf = (device: Device): Principal => ({
    tokenId: `device:${device.id}`,
    userId: null,
    role: 'user',
    siteId: device.siteId,
    name: `device ${device.mac}`,
  });

  function recordFailure(device: Device, target: string, message: string): void {
    const byTarget = failures.get(device.id) ?? new Map<string, FailedTarget>();
    byTarget.set(target, { target, message, at: ctx.now().getTime() });
    failures.set(device.id, byTarget);
    log('emergency call notification failed', { mac: device.mac, target: describeTarget(target), reason: message });
  }

  function clearFailure(device: Device, target: string): void {
    failures.get(device.id)?.delete(target);
  }

  function auditDelivery(device: Device, notice: EmergencyNotice, target: string, result: Record<string, unknown>): void {
    try {
      audit(ctx, actorOf(device), 'emergency-call.notify', { type: 'device', id: device.mac }, null, {
        noticeId: notice.id,
        target: describeTarget(target),
        ...result,
      });
    } catch (err) {
      // A full disk must not stop the remaining deliveries; the log still says what happened.
      log('emergency call audit failed', { mac: device.mac, reason: (err as Error).message });
    }
  }

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  /** One attempt with its own time limit. */
  async function attempt(channel: NotifyChannel, target: string, notice: EmergencyNotice): Promise<void> {
    const abort = new AbortController();
    aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      await channel.send(target, notice, abort.signal);
    } finally {
      clearTimeout(timer);
      aborts.delete(abort);
    }
  }

  async function deliver(device: Device, notice: EmergencyNotice, target: string): Promise<void> {
    const channel = channels.find((c) => c.accepts(target));
    if (channel === undefined) {
      const message = `no delivery channel for ${target.split(':')[0]}: targets`;
      recordFailure(device, target, message);
      auditDelivery(device, notice, target, { result: 'failed', attempts: 0, reason: message });
      return;
    }
    let reason = '';
    let made = 0;
    for (let n = 1; n <= attempts; n++) {
      if (n > 1) await wait(retryDelayMs(n, retryBaseMs, retryMaxMs));
      if (closed) {
        reason = 'the server stopped before the target took the notice';
        break;
      }
      made = n;
      try {
        await attempt(channel, target, notice);
        clearFailure(device, target);
        auditDelivery(device, notice, target, { result: 'sent', attempts: n });
        return;
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    recordFailure(device, target, reason);
    auditDelivery(device, notice, target, { result: 'failed', attempts: made, reason });
  }

  function noticeFor(device: Device, report: AgentReport, dialled: string, emergency: { number: string; test: boolean }, placed: PlacedAt | null): EmergencyNotice {
    const binding = device.binding;
    const extension = binding === null ? undefined : ctx.store.extensions.get(binding.extensionNumber);
    const user = binding?.userId == null ? undefined : ctx.store.users.get(binding.userId);
    const loc = placed?.location;
    return {
      id: ctx.newId(),
      kind: 'emergency-call',
      test: emergency.test,
      dialled,
      emergencyNumber: emergency.number,
      at: report.call?.at ?? report.at,
      device: { mac: device.mac, model: device.model, label: device.label },
      user: user === undefined ? null : { name: user.name },
      extension: binding?.extensionNumber ?? null,
      // The extension's own DID rings back at this phone; the location's number otherwise (E911-SECURITY.md §1.6 "Binding").
      callbackNumber: extension?.outboundCallerId ?? loc?.callbackNumber ?? null,
      location:
        loc === undefined || placed === null
          ? null
          : {
              id: loc.id,
              name: loc.name,
              civic: civicFields(loc.address, loc.place),
              dispatchable: dispatchableText(loc.address, loc.place),
              matchedBy: placed.matchedBy,
              unresolved: placed.unresolved,
            },
    };
  }

  /** A call reached by a report, or null when it is not an emergency call or was told already. */
  function emergencyCall(device: Device, report: AgentReport) {
    const call = report.call;
    if (call === undefined) return null;
    const placed = deps.locate(device);
    const numbers = emergencyNumbersFor(placed?.location.address.country ?? null, opts.extraNumbers);
    const emergency = matchEmergency(call.dialled, numbers, opts.dialPrefixes);
    if (emergency === null) return null;
    const at = Date.parse(call.at ?? report.at);
    const key = `${device.id}:${emergency.number}`;
    const now = ctx.now().getTime();
    const recent = (told.get(key) ?? []).filter((t) => Math.abs(now - t.at) < Math.max(sameCallWithinMs, 10 * 60_000));
    const next: ToldCall = { at: Number.isNaN(at) ? now : at, ...(call.callId === undefined ? {} : { callId: call.callId }) };
    if (isSameCall(recent, next, sameCallWithinMs)) return null;
    told.set(key, [...recent, next]);
    return { placed, emergency, dialled: call.dialled };
  }

  /** Tells the targets of one report's call, if it is an emergency call not told yet. */
  function handle(device: Device, report: AgentReport): void {
    if (closed) return;
    try {
      const call = emergencyCall(device, report);
      if (call === null) return;
      const notice = noticeFor(device, report, call.dialled, call.emergency, call.placed);
      const targets = call.placed?.location.notifyTargets ?? [];
      audit(ctx, actorOf(device), 'emergency-call', { type: 'device', id: device.mac }, null, {
        noticeId: notice.id,
        dialled: notice.dialled,
        emergencyNumber: notice.emergencyNumber,
        test: notice.test,
        at: notice.at,
        locationId: notice.location?.id ?? null,
        targets: targets.map(describeTarget),
      });
      if (targets.length === 0) {
        const why = call.placed === null ? 'the device resolves to no location' : `location ${call.placed.location.name} has no notification target`;
        recordFailure(device, '', `nobody was told: ${why}`);
        return;
      }
      for (const target of targets) {
        track(
          deliver(device, notice, target).catch((err: unknown) => {
            log('emergency call notification failed', { mac: device.mac, reason: (err as Error).message });
          }),
        );
      }
    } catch (err) {
      // A fault here (the database gone while stopping) must not escape into the event loop.
      log('emergency call notification failed', { mac: device.mac, reason: (err as Error).message });
    }
  }

  function track(run: Promise<void>): void {
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }

  const service = {
    /**
     * The hook services/e911.ts calls after a report (agent or action URL) is stored. Returns at
     * once: the phone's request is answered first, and locating, auditing and delivering start on
     * the next turn of the event loop. Never throws: a fault here must not fail the report.
     */
    reportTaken(device: Device, report: AgentReport): void {
      if (closed || report.call === undefined) return;
      track(
        new Promise<void>((resolve) => {
          setImmediate(() => {
            handle(device, report);
            resolve();
          });
        }),
      );
    },

    /** Failed deliveries of the last `alertForMs` as device alerts (GET /api/v1/alerts, device status). */
    alertsFor(device: Device): Alert[] {
      const byTarget = failures.get(device.id);
      if (byTarget === undefined) return [];
      const since = ctx.now().getTime() - alertForMs;
      return [...byTarget.values()]
        .filter((f) => f.at >= since)
        .map((f) => ({
          code: 'EMERGENCY_NOTIFY_FAILED' as const,
          severity: 'alert' as const,
          message:
            f.target === ''
              ? `emergency call at ${new Date(f.at).toISOString()}: ${f.message}`
              : `emergency call at ${new Date(f.at).toISOString()}: ${describeTarget(f.target)} was not told (${f.message})`,
        }));
    },

    /** Resolves when every delivery under way has finished (tests, graceful shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    /** Stops: pending retries give up, attempts under way are aborted. */
    async close(): Promise<void> {
      closed = true;
      for (const [timer, end] of waits) {
        clearTimeout(timer);
        end();
      }
      waits.clear();
      for (const abort of aborts) abort.abort();
      await service.idle();
    },
  };
  return service;
}

export type EmergencyNotify = ReturnType<typeof createEmergencyNotify>;

/** Where e911 places a device now, with its location record; null when nothing places it. */
export function placedBy(e911: Pick<E911Service, 'deviceStatus' | 'getLocation'>, device: Device): PlacedAt | null {
  const located = e911.deviceStatus(device.mac).location;
  if (located === null) return null;
  return { location: e911.getLocation(located.id), matchedBy: located.matchedBy, unresolved: located.unresolved };
}
