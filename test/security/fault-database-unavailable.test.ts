import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * E911-SECURITY §2.5 item 20 and the P8 fault "database file unreadable": with the database
 * gone, phones still get their last good configs; admin writes are refused with 503.
 * The outage here is the database connection closed under the running server: every read and
 * write fails at once, as with a lost or locked file.
 */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 20: database unavailable', () => {
  it('serves the same bytes to a phone that was served before, refuses admin writes with 503, and keeps the phone logs', async () => {
    await s.prestage();
    const password = await s.claim();
    const before = await s.digestGet(`${MAC}.cfg`, MAC, password);
    expect(before.status).toBe(200);
    const shared = await s.get('y000000000000.boot');
    expect(shared.status).toBe(200);
    s.server.front.phone.flush();

    s.server.db.close();

    const during = await s.digestGet(`${MAC}.cfg`, MAC, password);
    expect(during.status).toBe(200);
    expect(during.body.equals(before.body)).toBe(true);
    expect(during.headers.get('etag')).toBe(before.headers.get('etag'));
    expect((await s.get('y000000000000.boot')).body.equals(shared.body)).toBe(true);
    // Without the right credentials nothing is served from memory either.
    expect((await s.digestGet(`${MAC}.cfg`, MAC, `${password}x`)).status).toBe(401);

    const write = await s.server.api('POST', '/sites', {
      name: 'Branch',
      timezone: 'Europe/Berlin',
      networks: ['10.9.0.0/16'],
      extensionRange: { first: 5000, last: 5999 },
      registrar: { host: 'pbx.example.com' },
    });
    expect(write.status).toBe(503);
    expect(write.body.error.code).toBe('STORAGE_UNAVAILABLE');
    // The recorder's failed writes did not take the process down: it still answers.
    s.server.front.phone.flush();
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(200);
  });
});
