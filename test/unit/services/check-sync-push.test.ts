import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../../server/domain/device.ts';
import type { Site } from '../../../server/domain/site.ts';
import type { CheckSyncResult } from '../../../server/discovery/check-sync-sender.ts';
import { createCheckSyncPush, type CheckSyncPushOptions } from '../../../server/services/check-sync-push.ts';

function device(id: string, ip: string | null): Device {
  return {
    id, mac: '44dbd2000001', model: 'yealink/t54w', siteId: 's', profileId: null, label: null, state: 'provisioned',
    binding: null, restorable: null, restoreUntil: null, configRevision: 1, agentTokenHash: null,
    lastSeen: ip === null ? null : { at: '2026-03-02T09:00:00.000Z', ip, userAgent: null, firmware: null, file: null, servedRevision: null },
    createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-02T09:00:00.000Z',
  };
}

function site(allowed: boolean, networks: string[] = ['10.0.0.0/8', 'fd00::/8']): Site {
  return {
    id: 's', name: 'HQ', timezone: 'Europe/Berlin', networks, extensionRange: { first: 1, last: 9 },
    registrar: { host: 'pbx.example.com' }, tftpSecrets: false, checkSync: { allowed },
    createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-02T09:00:00.000Z',
  };
}

/** A push service whose sends are recorded and answered by `answer`; the clock is `t`. */
function harness(answer: CheckSyncResult = { outcome: 'answered', status: 200, reason: 'OK' }, extra: Partial<CheckSyncPushOptions> = {}) {
  let t = Date.parse('2026-03-02T09:00:00Z');
  const sent: string[] = [];
  const push = createCheckSyncPush({
    now: () => new Date(t),
    send: async (contact) => {
      sent.push(contact);
      return answer;
    },
    ...extra,
  });
  return { push, sent, advance: (ms: number) => (t += ms) };
}

describe('check-sync push', () => {
  it('sends to the last seen address on port 5060, brackets IPv6, and says so for a device never seen', () => {
    const { push, sent } = harness();
    const started = push.push([device('a', '10.0.0.5'), device('b', 'fd00::5'), device('c', null)]);
    expect(started.map((d) => d.id)).toEqual(['a', 'b']);
    expect(sent).toEqual(['sip:10.0.0.5:5060', 'sip:[fd00::5]:5060']);
    expect(push.statusOf('a')?.contactSource).toBe('last-http-source');
    expect(push.statusOf('c')).toEqual({ at: '2026-03-02T09:00:00.000Z', contact: null, contactSource: null, result: { outcome: 'no-contact' } });
  });

  it('records pending at once and the phone’s answer when it arrives', async () => {
    const { push } = harness({ outcome: 'answered', status: 481, reason: 'Subscription does not exist' });
    push.push([device('a', '10.0.0.5')]);
    expect(push.statusOf('a')).toEqual({
      at: '2026-03-02T09:00:00.000Z', contact: 'sip:10.0.0.5:5060', contactSource: 'last-http-source', result: { outcome: 'pending' },
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(push.statusOf('a')?.result).toEqual({ outcome: 'answered', status: 481, reason: 'Subscription does not exist' });
  });

  describe('trailing push', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('pushes an edit made inside the window once, when the window ends, with the newest device row', async () => {
      vi.useFakeTimers();
      const { push, sent, advance } = harness();
      push.push([device('a', '10.0.0.5')]);
      advance(10_000);
      expect(push.push([device('a', '10.0.0.6')])).toEqual([]);
      advance(5_000);
      expect(push.push([device('a', '10.0.0.7')])).toEqual([]);
      expect(push.statusOf('a')?.nextPushAt).toBe('2026-03-02T09:01:00.000Z');
      // Scheduled by the first edit inside the window, 50 s before the window ends (the clock `t` and the timers move apart here).
      await vi.advanceTimersByTimeAsync(49_999);
      expect(sent).toEqual(['sip:10.0.0.5:5060']);
      await vi.advanceTimersByTimeAsync(1);
      expect(sent).toEqual(['sip:10.0.0.5:5060', 'sip:10.0.0.7:5060']);
      expect(push.statusOf('a')).toMatchObject({ contact: 'sip:10.0.0.7:5060', result: { outcome: 'answered', status: 200 } });
      expect(push.statusOf('a')?.nextPushAt).toBeUndefined();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sent).toHaveLength(2);
    });

    it('is dropped when a later push covers it or the site disallows check-sync meanwhile, and still sent otherwise', async () => {
      vi.useFakeTimers();
      let allowed = true;
      const { push, sent, advance } = harness(undefined, { siteOf: () => site(allowed) });
      const all = () => [device('a', '10.0.0.5'), device('b', '10.0.0.6'), device('c', '10.0.0.7')];
      push.push(all());
      advance(30_000);
      expect(push.push(all())).toEqual([]);
      advance(30_000);
      // a: the window is over, this push carries the edit; its trailing push is not sent as well.
      expect(push.push([device('a', '10.0.0.5')])).toHaveLength(1);
      // b: the site says no before the trailing push would go.
      allowed = false;
      push.push([device('b', '10.0.0.6')]);
      allowed = true;
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sent).toEqual(['sip:10.0.0.5:5060', 'sip:10.0.0.6:5060', 'sip:10.0.0.7:5060', 'sip:10.0.0.5:5060', 'sip:10.0.0.7:5060']);
      expect(push.statusOf('b')?.result).toEqual({ outcome: 'disabled-by-site' });
    });

    it('is cancelled at close', async () => {
      vi.useFakeTimers();
      const { push, sent, advance } = harness();
      push.push([device('a', '10.0.0.5')]);
      advance(1_000);
      push.push([device('a', '10.0.0.5')]);
      push.close();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sent).toEqual(['sip:10.0.0.5:5060']);
    });
  });

  it('pushes a device at most once per minute', () => {
    const { push, sent, advance } = harness();
    push.push([device('a', '10.0.0.5')]);
    advance(59_999);
    expect(push.push([device('a', '10.0.0.5')])).toEqual([]);
    advance(1);
    expect(push.push([device('a', '10.0.0.5')])).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });

  it('sends nothing when no sender is configured', () => {
    const push = createCheckSyncPush({ now: () => new Date() });
    expect(push.push([device('a', '10.0.0.5')])).toEqual([]);
    expect(push.statusOf('a')).toBeNull();
  });

  it('sends nothing to a device whose site disallows check-sync, says so, and keeps no throttle slot', () => {
    let allowed = false;
    const { push, sent } = harness(undefined, { siteOf: () => site(allowed) });
    expect(push.push([device('a', '10.0.0.5')])).toEqual([]);
    expect(sent).toEqual([]);
    expect(push.statusOf('a')).toEqual({ at: '2026-03-02T09:00:00.000Z', contact: null, contactSource: null, result: { outcome: 'disabled-by-site' } });
    allowed = true;
    expect(push.push([device('a', '10.0.0.5')])).toHaveLength(1);
    expect(sent).toEqual(['sip:10.0.0.5:5060']);
  });

  it('reads each site once per push, however many of its devices it pushes to, and afresh on the next push', () => {
    const reads: string[] = [];
    let allowed = true;
    const { push, sent, advance } = harness(undefined, { siteOf: (id) => (reads.push(id), site(allowed)) });
    const devices = Array.from({ length: 50 }, (_, i) => device(`d${i}`, `10.0.1.${i + 1}`));
    expect(push.push(devices)).toHaveLength(50);
    expect(reads).toEqual(['s']);
    allowed = false;
    advance(61_000);
    expect(push.push(devices)).toEqual([]);
    expect(reads).toEqual(['s', 's']);
    expect(sent).toHaveLength(50);
  });

  it('prefers the contact the device reported, port and all, over its last fetch address', () => {
    const { push, sent } = harness(undefined, { siteOf: () => site(true), reportedContactOf: () => ({ ip: 'fd00:0:0::7', port: 5062 }) });
    push.push([device('a', '10.0.0.5'), device('b', null)]);
    expect(sent).toEqual(['sip:[fd00::7]:5062', 'sip:[fd00::7]:5062']);
    expect(push.statusOf('b')).toMatchObject({ contact: 'sip:[fd00::7]:5062', contactSource: 'reported' });
  });

  it('falls back to the last fetch address when the reported contact is outside the site networks or malformed', () => {
    const outside = harness(undefined, { siteOf: () => site(true), reportedContactOf: () => ({ ip: '192.168.1.9', port: 5062 }) });
    outside.push.push([device('a', '10.0.0.5')]);
    expect(outside.sent).toEqual(['sip:10.0.0.5:5060']);
    expect(outside.push.statusOf('a')).toMatchObject({
      contactSource: 'last-http-source',
      ignoredContact: { contact: 'sip:192.168.1.9:5062', reason: "outside the site's networks" },
    });
    for (const stored of [{ ip: 'pbx.example.com', port: 5060 }, { ip: '10.0.0.9', port: 0 }, { ip: '10.0.0.9', port: 5060, user: 'x' }, '10.0.0.9:5060']) {
      const bad = harness(undefined, { siteOf: () => site(true), reportedContactOf: () => stored });
      bad.push.push([device('a', '10.0.0.5')]);
      expect(bad.sent).toEqual(['sip:10.0.0.5:5060']);
    }
  });

  it('uses any reported contact on a site that lists no networks', () => {
    const { push, sent } = harness(undefined, { siteOf: () => site(true, []), reportedContactOf: () => ({ ip: '192.168.1.9', port: 5062 }) });
    push.push([device('a', '10.0.0.5')]);
    expect(sent).toEqual(['sip:192.168.1.9:5062']);
  });
});
