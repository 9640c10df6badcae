import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 1: GET /<known-MAC>.cfg with no credentials → 401/403, no secrets. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 1: a known MAC without credentials', () => {
  it('gets 401 and no secret once the claim has closed, for every file of the device', async () => {
    await s.prestage();
    const password = await s.claim();
    const sip = (await s.server.api('POST', `/extensions/${s.ids.extension}/secret:reveal`)).body.secret as string;
    for (const name of [`${MAC}.cfg`, `${MAC}.boot`]) {
      const res = await s.get(name);
      expect(res.status).toBe(401);
      const text = res.body.toString();
      expect(text).not.toContain(password);
      expect(text).not.toContain(sip);
      expect(text).not.toMatch(/password|account\.1/i);
    }
  });

  it('gets 401 when the claim window of an untouched pre-staged device has run out', async () => {
    await s.prestage();
    s.server.advance(8 * 24 * 3_600_000);
    expect((await s.get(`${MAC}.cfg`)).status).toBe(401);
  });
});
