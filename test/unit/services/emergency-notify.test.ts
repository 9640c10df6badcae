import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewAuditEvent } from '../../../server/domain/audit.ts';
import type { Device } from '../../../server/domain/device.ts';
import type { EmergencyLocation } from '../../../server/domain/e911-location.ts';
import type { EmergencyNotice } from '../../../server/domain/emergency-call.ts';
import type { ServiceContext } from '../../../server/services/context.ts';
import { createEmergencyNotify, type EmergencyNotifyOptions } from '../../../server/services/emergency-notify.ts';
import type { NotifyChannel } from '../../../server/services/notify-channels.ts';

const AT = '2026-03-02T09:00:00.000Z';

const device: Device = {
  id: 'd1', mac: '000b82445566', model: 'grandstream/gxp2170', siteId: 's', profileId: null, label: 'Lobby', state: 'provisioned',
  binding: { kind: 'standalone', userId: null, extensionNumber: 1042 }, restorable: null, restoreUntil: null, configRevision: 1,
  agentTokenHash: null, lastSeen: null, createdAt: AT, updatedAt: AT,
};

function location(targets: string[]): EmergencyLocation {
  return {
    id: 'loc1', siteId: 's', name: 'Lobby', address: { country: 'GB', A1: 'London', A3: 'London', RD: 'Strand', HNO: '1', PC: 'WC2N 5HR' },
    place: { FLR: '0' }, callbackNumber: '+442079460000', notifyTargets: targets, status: 'registered', statusMessage: null,
    isDefault: true, createdAt: AT, updatedAt: AT,
  };
}

/** A channel that fails its first `failures` sends per target, and records each attempt's time. */
function fakeChannel(failures: number, hang = false) {
  const attempts: Array<{ target: string; at: number; notice: EmergencyNotice }> = [];
  const channel: NotifyChannel = {
    accepts: (target) => target.startsWith('https://'),
    send: (target, notice, signal) => {
      attempts.push({ target, at: Date.now(), notice });
      if (hang) {
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('no answer within the time limit'))));
      }
      const n = attempts.filter((a) => a.target === target).length;
      return n <= failures ? Promise.reject(new Error('the target answered HTTP 503')) : Promise.resolve();
    },
  };
  return { channel, attempts };
}

function harness(targets: string[], channel: NotifyChannel, opts: EmergencyNotifyOptions = {}) {
  const audits: NewAuditEvent[] = [];
  const logs: string[] = [];
  let n = 0;
  const ctx = {
    store: {
      audit: { append: (e: NewAuditEvent) => audits.push(e) },
      extensions: { get: () => ({ outboundCallerId: null }) },
      users: { get: () => undefined },
    },
    now: () => new Date(),
    newId: () => `id-${++n}`,
  } as unknown as ServiceContext;
  const notify = createEmergencyNotify(
    ctx,
    { locate: () => ({ location: location(targets), matchedBy: 'switchPort', unresolved: false }) },
    { channels: [channel], log: (message) => logs.push(message), ...opts },
  );
  return { notify, audits, logs };
}

const call = (dialled: string, id = 'r1') => ({ id, at: new Date().toISOString(), call: { dialled } });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date(AT));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('emergency-call notification', () => {
  it('retries with doubling delays, capped, and stops after the set number of attempts with an alert', async () => {
    const { channel, attempts } = fakeChannel(99);
    const { notify, audits, logs } = harness(['https://hooks.example.com/a?token=x'], channel, { attempts: 5, retryBaseMs: 1000, retryMaxMs: 3000 });
    notify.reportTaken(device, call('999'));
    await vi.runAllTimersAsync();
    await notify.idle();
    expect(attempts.map((a) => a.at - Date.parse(AT))).toEqual([0, 1000, 3000, 6000, 9000]);
    expect(audits.map((a) => [a.action, (a.after as { result?: string }).result])).toEqual([
      ['emergency-call', undefined],
      ['emergency-call.notify', 'failed'],
    ]);
    expect(logs).toEqual(['emergency call notification failed']);
    const alerts = notify.alertsFor(device);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ code: 'EMERGENCY_NOTIFY_FAILED', severity: 'alert' });
    expect(alerts[0]?.message).toContain('https://hooks.example.com/…');
    expect(alerts[0]?.message).not.toContain('token=x');
  });

  it('clears a target\'s alert when a later notice reaches it', async () => {
    const { channel } = fakeChannel(2);
    const { notify } = harness(['https://hooks.example.com/a'], channel, { attempts: 2, retryBaseMs: 10 });
    notify.reportTaken(device, call('999'));
    await vi.runAllTimersAsync();
    expect(notify.alertsFor(device)).toHaveLength(1);
    vi.advanceTimersByTime(10 * 60_000);
    notify.reportTaken(device, call('999', 'r2'));
    await vi.runAllTimersAsync();
    expect(notify.alertsFor(device)).toEqual([]);
  });

  it('gives an attempt up at its time limit and counts it as a failed attempt', async () => {
    const { channel, attempts } = fakeChannel(0, true);
    const { notify, audits } = harness(['https://hooks.example.com/a'], channel, { attempts: 2, timeoutMs: 500, retryBaseMs: 100 });
    notify.reportTaken(device, call('112'));
    await vi.runAllTimersAsync();
    expect(attempts.map((a) => a.at - Date.parse(AT))).toEqual([0, 600]);
    expect(audits[1]?.after).toMatchObject({ result: 'failed', attempts: 2, reason: 'no answer within the time limit' });
  });

  it('fails a target no channel takes at once, without retries', async () => {
    const { channel, attempts } = fakeChannel(0);
    const { notify, audits } = harness(['mailto:security@example.com', 'https://hooks.example.com/a'], channel);
    notify.reportTaken(device, call('999'));
    await vi.runAllTimersAsync();
    expect(attempts).toHaveLength(1);
    expect(audits.slice(1).map((a) => a.after)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'mailto:security@example.com', result: 'failed', attempts: 0, reason: 'no delivery channel for mailto: targets' }),
        expect.objectContaining({ result: 'sent', attempts: 1 }),
      ]),
    );
  });

  it('tells each call once: a second report of it within the window, or a non-emergency number, sends nothing', async () => {
    const { channel, attempts } = fakeChannel(0);
    const { notify } = harness(['https://hooks.example.com/a'], channel, { sameCallWithinMs: 60_000 });
    notify.reportTaken(device, call('999'));
    notify.reportTaken(device, call('999', 'r2'));
    notify.reportTaken(device, call('911', 'r3'));
    notify.reportTaken(device, { id: 'r4', at: AT });
    await vi.runAllTimersAsync();
    // 911 is no emergency number at a GB location; 112 and 999 are.
    expect(attempts.map((a) => a.notice.emergencyNumber)).toEqual(['999']);
    vi.advanceTimersByTime(61_000);
    notify.reportTaken(device, call('999', 'r5'));
    await vi.runAllTimersAsync();
    expect(attempts).toHaveLength(2);
  });

  it('stops retrying on close and audits the notice as failed', async () => {
    const { channel, attempts } = fakeChannel(99);
    const { notify, audits } = harness(['https://hooks.example.com/a'], channel, { attempts: 4, retryBaseMs: 60_000 });
    notify.reportTaken(device, call('999'));
    await vi.advanceTimersByTimeAsync(0);
    await notify.close();
    expect(attempts).toHaveLength(1);
    expect(audits[1]?.after).toMatchObject({ result: 'failed', attempts: 1, reason: 'the server stopped before the target took the notice' });
    notify.reportTaken(device, call('999', 'r9'));
    expect(attempts).toHaveLength(1);
  });
});
