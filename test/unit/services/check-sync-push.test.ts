import { describe, expect, it } from 'vitest';
import type { Device } from '../../../server/domain/device.ts';
import type { CheckSyncResult } from '../../../server/discovery/check-sync-sender.ts';
import { createCheckSyncPush } from '../../../server/services/check-sync-push.ts';

function device(id: string, ip: string | null): Device {
  return {
    id, mac: '44dbd2000001', model: 'yealink/t54w', siteId: 's', profileId: null, label: null, state: 'provisioned',
    binding: null, restorable: null, restoreUntil: null, configRevision: 1, agentTokenHash: null,
    lastSeen: ip === null ? null : { at: '2026-03-02T09:00:00.000Z', ip, userAgent: null, firmware: null, file: null, servedRevision: null },
    createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-02T09:00:00.000Z',
  };
}

/** A push service whose sends are recorded and answered by `answer`; the clock is `t`. */
function harness(answer: CheckSyncResult = { outcome: 'answered', status: 200, reason: 'OK' }) {
  let t = Date.parse('2026-03-02T09:00:00Z');
  const sent: string[] = [];
  const push = createCheckSyncPush({
    now: () => new Date(t),
    send: async (contact) => {
      sent.push(contact);
      return answer;
    },
  });
  return { push, sent, advance: (ms: number) => (t += ms) };
}

describe('check-sync push', () => {
  it('sends to the last seen address on port 5060, brackets IPv6, and skips devices never seen', () => {
    const { push, sent } = harness();
    const started = push.push([device('a', '10.0.0.5'), device('b', 'fd00::5'), device('c', null)]);
    expect(started.map((d) => d.id)).toEqual(['a', 'b']);
    expect(sent).toEqual(['sip:10.0.0.5:5060', 'sip:[fd00::5]:5060']);
    expect(push.statusOf('c')).toBeNull();
  });

  it('records pending at once and the phone’s answer when it arrives', async () => {
    const { push } = harness({ outcome: 'answered', status: 481, reason: 'Subscription does not exist' });
    push.push([device('a', '10.0.0.5')]);
    expect(push.statusOf('a')).toEqual({ at: '2026-03-02T09:00:00.000Z', contact: 'sip:10.0.0.5:5060', result: { outcome: 'pending' } });
    await Promise.resolve();
    await Promise.resolve();
    expect(push.statusOf('a')?.result).toEqual({ outcome: 'answered', status: 481, reason: 'Subscription does not exist' });
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
});
