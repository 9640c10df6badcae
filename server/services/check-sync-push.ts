import net from 'node:net';
import type { Device } from '../domain/device.ts';
import type { CheckSyncResult } from '../discovery/check-sync-sender.ts';

/**
 * Check-sync push after admin edits (docs/DISCOVERY.md "check-sync"): each device whose bytes an
 * edit changed is sent a SIP NOTIFY `Event: check-sync;reboot=false`, so it fetches its config now
 * instead of at its next periodic resync. Fire and forget: the admin's answer never waits for a
 * phone. At most one push per device per `minIntervalMs`; the last result is kept per device.
 */

export interface CheckSyncPushOptions {
  /** Sends one NOTIFY and resolves with what became of it (discovery/check-sync-sender.ts); absent: push is off. */
  send?: (contact: string) => Promise<CheckSyncResult>;
  now: () => Date;
  /**
   * UDP port phones listen for SIP on. Every catalogue vendor defaults to 5060; deskprov does not
   * learn a phone's own port, only its address (the source of its last fetch or event).
   */
  phoneSipPort?: number;
  /** Throttle per device (default 60 s): a burst of edits makes one push, not many. */
  minIntervalMs?: number;
}

/** The device's last push, as its status shows it. */
export interface CheckSyncStatus {
  at: string;
  contact: string;
  result: CheckSyncResult | { outcome: 'pending' };
}

export function createCheckSyncPush(opts: CheckSyncPushOptions) {
  const port = opts.phoneSipPort ?? 5060;
  const minIntervalMs = opts.minIntervalMs ?? 60_000;
  const statuses = new Map<string, CheckSyncStatus>();
  const lastPush = new Map<string, number>();

  /** `sip:<ip>:<port>` from the device's last seen address; null when it has none. */
  function contactOf(device: Device): string | null {
    const ip = device.lastSeen?.ip ?? null;
    if (ip === null) return null;
    const family = net.isIP(ip);
    if (family === 0) return null;
    return family === 6 ? `sip:[${ip}]:${port}` : `sip:${ip}:${port}`;
  }

  return {
    contactOf,

    /** Starts a push to each device that has a contact and was not pushed within the interval; returns those started. */
    push(devices: readonly Device[]): Device[] {
      const started: Device[] = [];
      const send = opts.send;
      if (send === undefined) return started;
      for (const device of devices) {
        const contact = contactOf(device);
        if (contact === null) continue;
        const now = opts.now();
        const last = lastPush.get(device.id);
        if (last !== undefined && now.getTime() - last < minIntervalMs) continue;
        lastPush.set(device.id, now.getTime());
        const status: CheckSyncStatus = { at: now.toISOString(), contact, result: { outcome: 'pending' } };
        statuses.set(device.id, status);
        started.push(device);
        send(contact)
          .catch((err: unknown): CheckSyncResult => ({ outcome: 'send-failed', reason: err instanceof Error ? err.message : String(err) }))
          .then((result) => {
            if (statuses.get(device.id) === status) statuses.set(device.id, { ...status, result });
          });
      }
      return started;
    },

    /** The device's last push, or null when none was made since the server started. */
    statusOf(deviceId: string): CheckSyncStatus | null {
      return statuses.get(deviceId) ?? null;
    },
  };
}

export type CheckSyncPush = ReturnType<typeof createCheckSyncPush>;
