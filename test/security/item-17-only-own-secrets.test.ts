import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 17: a served config contains another line's or admin credentials → no, only this device's. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe("item 17: only this device's secrets", () => {
  it("serves A's line secret and A's HTTP password, and nothing of B, other users or the admin token", async () => {
    const bob = await s.server.api('POST', '/users', { name: 'Bob Example', email: 'bob@example.com', siteId: s.ids.siteId });
    expect(bob.status).toBe(201);
    const B = '44dbd2010204';
    await s.prestage();
    await s.prestage(B, { userId: bob.body.id });
    const reveal = async (n: number) => (await s.server.api('POST', `/extensions/${n}/secret:reveal`)).body.secret as string;
    const aliceSip = await reveal(s.ids.extension);
    const bobSip = await reveal(bob.body.extension.number as number);
    const bPassword = await s.claim(B);
    const files = [`${MAC}.cfg`, `${MAC}.boot`, 'y000000000000.cfg', 'y000000000000.boot', 'yealink-directory.xml'];
    const bodies: Record<string, string> = {};
    for (const name of files) bodies[name] = (await s.get(name, { 'user-agent': uaFor(MAC) })).body.toString();
    const all = Object.values(bodies).join('\n');
    expect(bodies[`${MAC}.cfg`]).toContain(aliceSip);
    for (const foreign of [bobSip, bPassword, s.server.adminToken]) expect(all).not.toContain(foreign);
    // The shared files carry no secret at all.
    for (const name of ['y000000000000.cfg', 'y000000000000.boot', 'yealink-directory.xml']) {
      expect(bodies[name]).not.toContain(aliceSip);
      expect(bodies[name]).not.toMatch(/password\s*=\s*\S/);
    }
  });
});
