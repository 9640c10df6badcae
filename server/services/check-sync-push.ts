import net from 'node:net';
import { createBoundedMemo } from '../domain/bounded-memo.ts';
import type { Device } from '../domain/device.ts';
import { checkSipContact, contactOnSiteNetworks, sipUriOf } from '../domain/sip-contact.ts';
import type { Site } from '../domain/site.ts';
import type { CheckSyncResult } from '../discovery/check-sync-sender.ts';

/**
 * Check-sync push after admin edits (docs/DISCOVERY.md "check-sync"): each device whose bytes an
 * edit changed is sent a SIP NOTIFY `Event: check-sync;reboot=false`, so it fetches its config now
 * instead of at its next periodic resync, unless its site says no. Fire and forget: the admin's
 * answer never waits for a phone. At most one push per device per `minIntervalMs`: an edit inside
 * that window gets one trailing push when it ends, so the last edit of a burst is never left for
 * the periodic resync. The last outcome is kept per device, including why nothing was sent.
 */

export interface CheckSyncPushOptions {
  /** Sends one NOTIFY and resolves with what became of it (discovery/check-sync-sender.ts); absent: push is off. */
  send?: (contact: string) => Promise<CheckSyncResult>;
  now: () => Date;
  /**
   * UDP port assumed for a device that reported no SIP contact: every catalogue vendor defaults
   * to 5060, and the fallback address (the source of its last fetch) says nothing about its port.
   */
  phoneSipPort?: number;
  /** Throttle per device (default 60 s): a burst of edits makes one push now and one when the window ends. */
  minIntervalMs?: number;
  /** The device's site (its check-sync policy and networks); absent: every site allows it. */
  siteOf?: (siteId: string) => Site | undefined;
  /**
   * The SIP contact the device last reported (agent report or action URL), as stored: checked
   * again here, so a stored value that is not `{ip, port}` is never sent to. Absent: none.
   */
  reportedContactOf?: (device: Device) => unknown;
}

/** Where the contact came from: the device's own report, or its last fetch's source on the SIP port. */
export type ContactSource = 'reported' | 'last-http-source';

/** Why nothing was sent, or what became of the push. */
export type CheckSyncOutcome =
  | CheckSyncResult
  | { outcome: 'pending' }
  /** The device's site has `checkSync.allowed: false`. */
  | { outcome: 'disabled-by-site' }
  /** No reported contact and no fetch seen since the device was added. */
  | { outcome: 'no-contact' };

/** The device's last push, as its status shows it. */
export interface CheckSyncStatus {
  at: string;
  /** The `sip:` URI sent to; null when nothing was sent. */
  contact: string | null;
  contactSource: ContactSource | null;
  /** A reported contact that was not used, and why (outside the site's networks). */
  ignoredContact?: { contact: string; reason: string };
  result: CheckSyncOutcome;
  /** When an edit inside the throttle window will be pushed (the trailing push). */
  nextPushAt?: string;
}

interface Target {
  contact: string;
  source: ContactSource;
  ignored?: { contact: string; reason: string };
}

export function createCheckSyncPush(opts: CheckSyncPushOptions) {
  const port = opts.phoneSipPort ?? 5060;
  const minIntervalMs = opts.minIntervalMs ?? 60_000;
  const statuses = new Map<string, CheckSyncStatus>();
  const lastPush = new Map<string, number>();

  /** `sip:<ip>:<port>` of the device's last seen address on the assumed SIP port; null when it has none. */
  function lastHttpSource(device: Device): string | null {
    const ip = device.lastSeen?.ip ?? null;
    if (ip === null) return null;
    const family = net.isIP(ip);
    if (family === 0) return null;
    return family === 6 ? `sip:[${ip}]:${port}` : `sip:${ip}:${port}`;
  }

  /** The reported contact when there is a usable one, else the last HTTP source; null when neither. */
  function targetOf(device: Device, site: Site | undefined): Target | null {
    const reported = checkSipContact(opts.reportedContactOf?.(device) ?? null);
    let ignored: Target['ignored'];
    if (reported !== null) {
      if (site === undefined || contactOnSiteNetworks(reported, site.networks)) {
        return { contact: sipUriOf(reported), source: 'reported' };
      }
      ignored = { contact: sipUriOf(reported), reason: "outside the site's networks" };
    }
    const fallback = lastHttpSource(device);
    if (fallback === null) return null;
    return { contact: fallback, source: 'last-http-source', ...(ignored === undefined ? {} : { ignored }) };
  }

  /** Which push a device's status describes, so a late answer never overwrites a newer status. */
  const current = new Map<string, number>();
  let pushes = 0;
  function setStatus(deviceId: string, status: CheckSyncStatus, push: number | null): void {
    statuses.set(deviceId, status);
    if (push === null) current.delete(deviceId);
    else current.set(deviceId, push);
  }

  /** Trailing pushes waiting for the end of a device's throttle window, with the newest device row. */
  const trailing = new Map<string, { device: Device; timer: NodeJS.Timeout }>();

  function cancelTrailing(deviceId: string): void {
    const pending = trailing.get(deviceId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    trailing.delete(deviceId);
  }

  function scheduleTrailing(device: Device, delayMs: number, at: Date): void {
    const pending = trailing.get(device.id);
    if (pending !== undefined) {
      pending.device = device;
      return;
    }
    const entry = {
      device,
      timer: setTimeout(() => {
        trailing.delete(device.id);
        try {
          pushOne(entry.device, true);
        } catch {
          // The store may already be closed (shutdown): the phone resyncs on its own schedule.
        }
      }, delayMs),
    };
    // A waiting push must not keep the process alive.
    entry.timer.unref();
    trailing.set(device.id, entry);
    const status = statuses.get(device.id);
    if (status !== undefined) statuses.set(device.id, { ...status, nextPushAt: new Date(at.getTime() + delayMs).toISOString() });
  }

  /** One device: the site switch, then the contact, then the throttle (skipped by a trailing push); true when sent. */
  function pushOne(device: Device, trailingPush: boolean, siteOf: (siteId: string) => Site | undefined = (id) => opts.siteOf?.(id)): boolean {
    const send = opts.send;
    if (send === undefined) return false;
    const now = opts.now();
    const at = now.toISOString();
    const site = device.siteId === null ? undefined : siteOf(device.siteId);
    if (site !== undefined && !site.checkSync.allowed) {
      cancelTrailing(device.id);
      setStatus(device.id, { at, contact: null, contactSource: null, result: { outcome: 'disabled-by-site' } }, null);
      return false;
    }
    const target = targetOf(device, site);
    if (target === null) {
      cancelTrailing(device.id);
      setStatus(device.id, { at, contact: null, contactSource: null, result: { outcome: 'no-contact' } }, null);
      return false;
    }
    const last = lastPush.get(device.id);
    if (!trailingPush && last !== undefined && now.getTime() - last < minIntervalMs) {
      scheduleTrailing(device, last + minIntervalMs - now.getTime(), now);
      return false;
    }
    // This push carries every edit so far: a trailing one still waiting is not needed.
    cancelTrailing(device.id);
    lastPush.set(device.id, now.getTime());
    const push = ++pushes;
    setStatus(
      device.id,
      {
        at,
        contact: target.contact,
        contactSource: target.source,
        ...(target.ignored === undefined ? {} : { ignoredContact: target.ignored }),
        result: { outcome: 'pending' },
      },
      push,
    );
    send(target.contact)
      .catch((err: unknown): CheckSyncResult => ({ outcome: 'send-failed', reason: err instanceof Error ? err.message : String(err) }))
      .then((result) => {
        const shown = statuses.get(device.id);
        // A trailing push scheduled since keeps its `nextPushAt` beside this answer.
        if (shown !== undefined && current.get(device.id) === push) statuses.set(device.id, { ...shown, result });
      });
    return true;
  }

  return {
    /** The `sip:` URI a push to this device would go to now, or null. */
    contactOf(device: Device): string | null {
      const site = device.siteId === null ? undefined : opts.siteOf?.(device.siteId);
      return targetOf(device, site)?.contact ?? null;
    },

    /**
     * Starts a push to each device whose site allows it and that has a contact; returns those
     * started. A device pushed within the interval gets a trailing push at its end instead. A
     * device refused by its site or without a contact gets that as its status (and keeps no
     * throttle slot: allowing it again pushes at once).
     */
    push(devices: readonly Device[]): Device[] {
      // A profile edit pushes to thousands of devices of a few sites: each site is read once (a
      // "no such site" too). Bounded by the device count, so the memo never empties mid-push.
      const sites = createBoundedMemo<string, Site | undefined>(Math.max(1, devices.length));
      return devices.filter((device) => pushOne(device, false, (id) => sites.get(id, () => opts.siteOf?.(id))));
    },

    /** Cancels the trailing pushes still waiting (server shutdown). */
    close(): void {
      for (const id of [...trailing.keys()]) cancelTrailing(id);
    },

    /** The device's last push (or why none was sent), or null when none was tried since the server started. */
    statusOf(deviceId: string): CheckSyncStatus | null {
      return statuses.get(deviceId) ?? null;
    },
  };
}

export type CheckSyncPush = ReturnType<typeof createCheckSyncPush>;
