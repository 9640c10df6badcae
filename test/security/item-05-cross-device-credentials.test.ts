import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestHeader } from '../integration/helpers/phone-server.ts';
import { MAC, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 5: phone A's credentials used to fetch phone B's file → 403. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe("item 5: another device's credentials", () => {
  it("refuse B's file with 403 whether B exists or not, and serve A's own file", async () => {
    await s.prestage();
    const password = await s.claim();
    const b = '44dbd2010204';
    await s.prestage(b, { userId: undefined, standalone: true });
    for (const target of [b, '44dbd2fedcba']) {
      // The challenge comes from A's own file: asking for B's file without credentials inside
      // B's claim window would be B's first boot.
      const challenge = await s.get(`${MAC}.cfg`);
      const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('MD5')) ?? '';
      const res = await s.get(`${target}.cfg`, {
        'user-agent': uaFor(target),
        authorization: digestHeader(md5, 'GET', `/${target}.cfg`, MAC, password),
      });
      expect(res.status, target).toBe(403);
      expect(res.body.toString()).not.toMatch(/password|account\./i);
    }
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(200);
  });
});
