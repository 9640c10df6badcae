import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/** E911-SECURITY §2.5 item 11: old credentials after rotation → 401; new config served; audit entry written. */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 11: rotation', () => {
  it('refuses the old phone credentials, serves the new ones, and audits without the secret', async () => {
    await s.prestage();
    const old = await s.claim();
    // The challenge is taken before the rotation: afterwards the reopened claim window serves a bare request.
    const challenge = await s.challenge(`${MAC}.cfg`);
    expect((await s.server.api('POST', `/devices/${MAC}/phone-credentials`)).status).toBe(200);
    expect((await s.get(`${MAC}.cfg`, { authorization: s.answer(challenge, `${MAC}.cfg`, MAC, old) })).status).toBe(401);
    const fresh = await s.claim();
    expect(fresh).not.toBe(old);
    expect((await s.digestGet(`${MAC}.cfg`, MAC, fresh)).status).toBe(200);
    const audit = await s.server.api('GET', '/audit?action=device.phone-credentials.rotate');
    const text = JSON.stringify(audit.body);
    expect(text).toContain('device.phone-credentials.rotate');
    expect(text).not.toContain(old);
    expect(text).not.toContain(fresh);
  });

  it('puts a rotated SIP secret into the next config and audits the rotation', async () => {
    await s.prestage();
    const password = await s.claim();
    const before = (await s.server.api('POST', `/extensions/${s.ids.extension}/secret:reveal`)).body.secret as string;
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).body.toString()).toContain(before);
    expect((await s.server.api('POST', `/extensions/${s.ids.extension}/secret:rotate`)).status).toBe(200);
    const after = (await s.server.api('POST', `/extensions/${s.ids.extension}/secret:reveal`)).body.secret as string;
    const cfg = (await s.digestGet(`${MAC}.cfg`, MAC, password)).body.toString();
    expect(cfg).toContain(after);
    expect(cfg).not.toContain(before);
    const audit = await s.server.api('GET', `/audit?entity=extension:${s.ids.extension}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('extension.secret.rotate');
    expect(JSON.stringify(audit.body)).not.toContain(before);
  });
});
