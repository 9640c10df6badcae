import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withPostgres } from '../setup/postgres.ts';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * Item 20 on PostgreSQL (P9): the database server itself goes down under a running deskprov and
 * comes back. Phones keep their last good configs, admin writes get 503, and once PostgreSQL is
 * back writes work again, with no restart of deskprov: its connections reconnect, and its
 * listener for other instances' writes reconnects too.
 */

const cluster = withPostgres();
let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer({}, await cluster().newDatabase());
});
afterEach(async () => {
  await s.close();
});

const branch = (first: number) => ({
  name: `Branch ${first}`,
  timezone: 'Europe/Berlin',
  networks: ['10.9.0.0/16'],
  extensionRange: { first, last: first + 99 },
  registrar: { host: 'pbx.example.com' },
});

describe('item 20 on PostgreSQL: the database server stops and starts again', () => {
  it('serves phones their last good bytes while it is down, refuses writes with 503, and takes writes again once it is back', async () => {
    await s.prestage();
    const password = await s.claim();
    const before = await s.digestGet(`${MAC}.cfg`, MAC, password);
    expect(before.status).toBe(200);
    s.server.front.phone.flush();

    await cluster().pause();
    try {
      const during = await s.digestGet(`${MAC}.cfg`, MAC, password);
      expect(during.status).toBe(200);
      expect(during.body.equals(before.body)).toBe(true);
      expect((await s.digestGet(`${MAC}.cfg`, MAC, `${password}x`)).status).toBe(401);
      const write = await s.server.api('POST', '/sites', branch(5000));
      expect(write.status).toBe(503);
      expect(write.body.error.code).toBe('STORAGE_UNAVAILABLE');
      // The message names no host, port or user of the database.
      expect(JSON.stringify(write.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|deskprov@/);
    } finally {
      await cluster().resume();
    }

    const again = await s.server.api('POST', '/sites', branch(6000));
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await s.server.api('GET', `/sites/${again.body.id}`)).status).toBe(200);
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(200);
  }, 120_000);
});
