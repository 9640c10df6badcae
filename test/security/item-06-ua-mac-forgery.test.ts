import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 6: a User-Agent forged to carry a MAC has no effect on authentication. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 6: a forged User-Agent', () => {
  it('grants nothing: the right MAC in the UA still gets 401, a different MAC is refused, no UA MAC opens a file', async () => {
    await s.prestage();
    await s.claim();
    const matching = await s.get(`${MAC}.cfg`, { 'user-agent': uaFor(MAC) });
    const other = await s.get(`${MAC}.cfg`, { 'user-agent': uaFor('44dbd2999999') });
    const bare = await s.get(`${MAC}.cfg`, { 'user-agent': 'curl/8.0' });
    for (const res of [matching, other, bare]) {
      expect([401, 403]).toContain(res.status);
      expect(res.body.toString()).not.toMatch(/password/i);
    }
    // A UA naming the MAC while asking for a MAC-less name reaches no device file either.
    const shared = await s.get('y000000000000.cfg', { 'user-agent': uaFor(MAC) });
    expect(shared.body.toString()).not.toMatch(/auto_provision\.server\.password|account\.1\.password/);
  });

  it('does not hand out credentials inside the claim window to a UA that names another MAC', async () => {
    await s.prestage();
    const res = await s.get(`${MAC}.cfg`, { 'user-agent': uaFor('44dbd2999999') });
    expect(res.status).not.toBe(200);
    expect(res.body.toString()).not.toMatch(/password/i);
    // The real phone can still claim afterwards.
    expect((await s.get(`${MAC}.cfg`)).status).toBe(200);
  });
});
