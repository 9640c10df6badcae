import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { createSite, createUser, mac } from './helpers/fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;
let clock: Date;
let api: ApiServer;

beforeEach(async () => {
  clock = new Date('2026-03-01T09:00:00Z');
  api = await startApiServer({ now: () => clock });
});
afterEach(async () => {
  await api.close();
});

async function userWithDevice(): Promise<{ siteId: string; userId: string }> {
  const site = await createSite(api);
  const user = await createUser(api, site.id);
  const res = await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId: site.id, userId: user.id });
  expect(res.status).toBe(201);
  return { siteId: site.id, userId: user.id };
}

describe('licence removal and the 7-day restore window', () => {
  it('unbinds the devices of a user who loses the licence and restores them within the window', async () => {
    const { userId } = await userWithDevice();
    const before = await api.call('GET', `/devices/${mac(1)}`);

    const unlicensed = await api.call('PATCH', `/users/${userId}`, { licensed: false });
    expect(unlicensed.body.licensed).toBe(false);

    const unbound = await api.call('GET', `/devices/${mac(1)}`);
    expect(unbound.body.binding).toBeNull();
    expect(unbound.body.restorable).toMatchObject({
      kind: 'user',
      userId,
      extension: { number: 200 },
      configRevision: before.body.configRevision,
      reason: 'unlicensed',
      until: new Date(clock.getTime() + 7 * DAY).toISOString(),
    });
    // The phone must fetch a new config (lines disabled).
    expect(unbound.body.configRevision).toBeGreaterThan(before.body.configRevision);

    clock = new Date(clock.getTime() + 6 * DAY);
    expect(api.services.retention.purgeExpired()).toBe(0);

    const restored = await api.call('POST', `/devices/${mac(1)}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.binding).toEqual({ kind: 'user', userId, extension: { number: 200 } });
    expect(restored.body.restorable).toBeNull();
    expect((await api.call('GET', `/users/${userId}`)).body.licensed).toBe(true);
  });

  it('purges the device once the window has passed and refuses a late restore', async () => {
    const { userId } = await userWithDevice();
    await api.call('PATCH', `/users/${userId}`, { licensed: false });

    clock = new Date(clock.getTime() + 7 * DAY + 1);
    const late = await api.call('POST', `/devices/${mac(1)}/restore`);
    expect([late.status, late.body.error.code]).toEqual([422, 'RESTORE_WINDOW_CLOSED']);

    expect(api.services.retention.purgeExpired()).toBe(1);
    expect((await api.call('GET', `/devices/${mac(1)}`)).status).toBe(404);
    const purge = await api.call('GET', '/audit?action=device.purge');
    expect(purge.body.items).toHaveLength(1);
    expect(purge.body.items[0].actorName).toBe('system');
    // The user keeps their extension; only the device went.
    expect((await api.call('GET', `/users/${userId}`)).body.extension).toEqual({ number: 200 });
  });

  it('keeps a deleted user extension for the window and restores the device onto it as a standalone line', async () => {
    const { userId } = await userWithDevice();
    expect((await api.call('DELETE', `/users/${userId}`)).status).toBe(204);
    const ext = await api.call('GET', '/extensions/200');
    expect(ext.body.retainedUntil).toBe(new Date(clock.getTime() + 7 * DAY).toISOString());

    const restored = await api.call('POST', `/devices/${mac(1)}/restore`);
    expect(restored.body.binding).toEqual({ kind: 'standalone', userId: null, extension: { number: 200 } });
    expect((await api.call('GET', '/extensions/200')).body).toMatchObject({ kind: 'standalone', retainedUntil: null });
  });

  it('purges a deleted user device and the kept extension after the window', async () => {
    const { userId } = await userWithDevice();
    await api.call('DELETE', `/users/${userId}`);
    clock = new Date(clock.getTime() + 8 * DAY);
    expect(api.services.retention.purgeExpired()).toBe(1);
    expect((await api.call('GET', `/devices/${mac(1)}`)).status).toBe(404);
    expect((await api.call('GET', '/extensions/200')).status).toBe(404);
  });
});
