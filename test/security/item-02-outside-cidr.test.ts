import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 2: a request from outside the allowed CIDRs → 403 before any lookup. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 2: a source outside every site network', () => {
  it('gets 403 for known, unknown and shared files, and no lookup leaves a trace', async () => {
    await s.prestage();
    expect((await s.server.api('PATCH', `/sites/${s.ids.siteId}`, { networks: ['10.20.0.0/16'] })).status).toBe(200);
    const unknown = '44dbd2abcdef';
    for (const [name, ua] of [[`${MAC}.cfg`, uaFor(MAC)], [`${unknown}.cfg`, uaFor(unknown)], ['y000000000000.boot', uaFor(MAC)]] as const) {
      const res = await s.get(name, { 'user-agent': ua });
      expect(res.status).toBe(403);
      expect(res.body.toString()).not.toMatch(/password/i);
    }
    s.server.front.phone.flush();
    // An unknown phone inside the networks is recorded as discovered; outside, nothing was looked up or written.
    expect((await s.server.api('GET', `/devices/${unknown}`)).status).toBe(404);
    const known = await s.server.api('GET', `/devices/${MAC}`);
    expect(known.status).toBe(200);
    expect(known.body).toHaveProperty('lastSeen', null);
  });
});
