import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 3: a sweep of 10k MACs in one OUI (2,000 here: after the ban every later request meets the same state) → ban after N misses, logged for fail2ban. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer({ ban: { maxMisses: 20, windowMs: 600_000, banMs: 900_000 } });
});
afterEach(async () => {
  await s.close();
});

describe('item 3: a sweep through one OUI', () => {
  it('is banned after 20 misses: the other 1,980 of 2,000 MACs get 429 and no config, and one ban line is logged', async () => {
    const statuses = new Map<number, number>();
    const macs = Array.from({ length: 2_000 }, (_, i) => `44dbd2${(0x100000 + i).toString(16)}`);
    const fetchOne = async (mac: string) => {
      const res = await s.get(`${mac}.cfg`, { 'user-agent': uaFor(mac) });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    };
    // The first N one at a time, so exactly N misses land before the ban; then in parallel.
    for (const mac of macs.slice(0, 20)) await fetchOne(mac);
    let next = 20;
    const worker = async () => {
      while (next < macs.length) await fetchOne(macs[next++] as string);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(statuses.get(200) ?? 0).toBe(0);
    expect(statuses.get(429)).toBeGreaterThanOrEqual(1_980);
    expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(2_000);
    const bans = s.server.logs.filter((l) => l.event === 'deskprov.phone.ban');
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1$/), misses: 20 });
    // The line fail2ban matches: "event":"deskprov.phone.ban","ip":"<HOST>".
    expect(JSON.stringify(bans[0])).toMatch(/"event":"deskprov\.phone\.ban","ip":"[^"]+"/);
  }, 120_000);
});
