import net from 'node:net';
import type { Device } from '../domain/device.ts';
import { checkSipContact, contactOnSiteNetworks, sipUriOf } from '../domain/sip-contact.ts';
import type { Site } from '../domain/site.ts';
import type { CheckSyncResult } from '../discovery/check-sync-sender.ts';

/**
 * Check-sync push after admin edits (docs/DISCOVERY.md "check-sync"): each device whose bytes an
 * edit changed is sent a SIP NOTIFY `Event: check-sync;reboot=false`, so it fetches its config now
 * instead of at its next periodic resync, unless its site says no. Fire and forget: the admin's
 * answer never waits for a phone. At most one push per device per `minIntervalMs`; the last
 * outcome is kept per device, including why nothing was sent.
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
  /** Throttle per device (default 60 s): a burst of edits makes one push, not many. */
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

  return {
    /** The `sip:` URI a push to this device would go to now, or null. */
    contactOf(device: Device): string | null {
      const site = device.siteId === null ? undefined : opts.siteOf?.(device.siteId);
      return targetOf(device, site)?.contact ?? null;
    },

    /**
     * Starts a push to each device whose site allows it, that has a contact and was not pushed
     * within the interval; returns those started. A device refused by its site or without a
     * contact gets that as its status (and keeps no throttle slot: allowing it again pushes at once).
     */
    push(devices: readonly Device[]): Device[] {
      const started: Device[] = [];
      const send = opts.send;
      if (send === undefined) return started;
      for (const device of devices) {
        const now = opts.now();
        const at = now.toISOString();
        const site = device.siteId === null ? undefined : opts.siteOf?.(device.siteId);
        if (site !== undefined && !site.checkSync.allowed) {
          statuses.set(device.id, { at, contact: null, contactSource: null, result: { outcome: 'disabled-by-site' } });
          continue;
        }
        const target = targetOf(device, site);
        if (target === null) {
          statuses.set(device.id, { at, contact: null, contactSource: null, result: { outcome: 'no-contact' } });
          continue;
        }
        const last = lastPush.get(device.id);
        if (last !== undefined && now.getTime() - last < minIntervalMs) continue;
        lastPush.set(device.id, now.getTime());
        const status: CheckSyncStatus = {
          at,
          contact: target.contact,
          contactSource: target.source,
          ...(target.ignored === undefined ? {} : { ignoredContact: target.ignored }),
          result: { outcome: 'pending' },
        };
        statuses.set(device.id, status);
        started.push(device);
        send(target.contact)
          .catch((err: unknown): CheckSyncResult => ({ outcome: 'send-failed', reason: err instanceof Error ? err.message : String(err) }))
          .then((result) => {
            if (statuses.get(device.id) === status) statuses.set(device.id, { ...status, result });
          });
      }
      return started;
    },

    /** The device's last push (or why none was sent), or null when none was tried since the server started. */
    statusOf(deviceId: string): CheckSyncStatus | null {
      return statuses.get(deviceId) ?? null;
    },
  };
}

export type CheckSyncPush = ReturnType<typeof createCheckSyncPush>;
