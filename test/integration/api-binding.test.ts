import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { createSite, createUser, mac, SITE } from './helpers/fixtures.ts';

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer();
});
afterEach(async () => {
  await api.close();
});

describe('binding devices to users and standalone extensions', () => {
  it('gives a user the lowest free extension, a user device that extension, and a standalone device a new one', async () => {
    const site = await api.call('POST', '/sites', SITE);
    expect(site.status).toBe(201);
    expect(site.body.tftpSecrets).toBe(false);

    const user = await api.call('POST', '/users', { name: 'Ana', email: 'Ana@Example.com', siteId: site.body.id });
    expect(user.status).toBe(201);
    expect(user.body.extension).toEqual({ number: 200 });
    expect(user.body.email).toBe('ana@example.com');
    expect(user.body.licensed).toBe(true);

    const desk = await api.call('POST', '/devices', {
      mac: '00:15:65:AA:BB:CC',
      model: 'yealink/t54w',
      siteId: site.body.id,
      userId: user.body.id,
    });
    expect(desk.status).toBe(201);
    expect(desk.body).toMatchObject({
      mac: '001565aabbcc',
      model: 'yealink/t54w',
      siteId: site.body.id,
      state: 'provisioned',
      binding: { kind: 'user', extension: { number: 200 } },
    });

    const lobby = await api.call('POST', '/devices', {
      mac: '0015.65aa.bbcd',
      model: 'yealink/t54w',
      siteId: site.body.id,
      standalone: true,
      label: 'Lobby',
    });
    expect(lobby.status).toBe(201);
    expect(lobby.body.binding).toEqual({ kind: 'standalone', userId: null, extension: { number: 201 } });

    const fetched = await api.call('GET', '/devices/00-15-65-aa-bb-cd');
    expect(fetched.status).toBe(200);
    expect(fetched.body.label).toBe('Lobby');
  });

  it('lets one user have several devices on the same extension', async () => {
    const site = await createSite(api);
    const user = await createUser(api, site.id);
    for (const n of [1, 2]) {
      const res = await api.call('POST', '/devices', { mac: mac(n), model: 'yealink/t54w', siteId: site.id, userId: user.id });
      expect(res.body.binding.extension).toEqual(user.extension);
    }
    const list = await api.call('GET', `/devices?userId=${user.id}`);
    expect(list.body.total).toBe(2);
  });

  it('gives 100 concurrent standalone creations 100 distinct extensions and refuses the 101st with EXTENSION_RANGE_FULL', async () => {
    const site = await createSite(api, { extensionRange: { first: 1000, last: 1099 } });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.call('POST', '/devices', { mac: mac(i + 1), model: 'yealink/t54w', siteId: site.id, standalone: true }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    const numbers = answers.map((a) => a.body.binding.extension.number as number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(100);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));

    const full = await api.call('POST', '/devices', { mac: mac(999), model: 'yealink/t54w', siteId: site.id, standalone: true });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('EXTENSION_RANGE_FULL');
  });

  it('reuses the lowest freed number after a standalone device is deleted', async () => {
    const site = await createSite(api);
    for (const n of [1, 2, 3]) {
      await api.call('POST', '/devices', { mac: mac(n), model: 'yealink/t54w', siteId: site.id, standalone: true });
    }
    expect((await api.call('DELETE', `/devices/${mac(2)}`)).status).toBe(204);
    const again = await api.call('POST', '/devices', { mac: mac(4), model: 'yealink/t54w', siteId: site.id, standalone: true });
    expect(again.body.binding.extension.number).toBe(201);
  });

  it('rebinds a device from user to standalone and back in one call each, one audit event each', async () => {
    const site = await createSite(api);
    const user = await createUser(api, site.id);
    await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId: site.id, userId: user.id });

    const toStandalone = await api.call('PATCH', `/devices/${mac(1)}`, { standalone: true });
    expect(toStandalone.status).toBe(200);
    expect(toStandalone.body.binding).toEqual({ kind: 'standalone', userId: null, extension: { number: 201 } });

    const toUser = await api.call('PATCH', `/devices/${mac(1)}`, { userId: user.id });
    expect(toUser.body.binding).toEqual({ kind: 'user', userId: user.id, extension: { number: 200 } });
    // The standalone extension went with the standalone binding.
    expect((await api.call('GET', '/extensions/201')).status).toBe(404);

    const events = await api.call('GET', `/audit?entity=device:${mac(1)}`);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual([
      'device.update',
      'device.update',
      'device.create',
    ]);
  });

  it('takes a requested user extension when it is free and refuses a taken or out-of-range one', async () => {
    const site = await createSite(api);
    const user = await createUser(api, site.id, { extension: 250 });
    expect(user.extension.number).toBe(250);
    const taken = await api.call('POST', '/users', { name: 'Bo', email: 'bo@example.com', siteId: site.id, extension: 250 });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'EXTENSION_TAKEN']);
    const outside = await api.call('POST', '/users', { name: 'Bo', email: 'bo@example.com', siteId: site.id, extension: 300 });
    expect([outside.status, outside.body.error.code, outside.body.error.field]).toEqual([
      422,
      'EXTENSION_OUT_OF_RANGE',
      'extension',
    ]);
  });

  it('lists the catalogue models', async () => {
    const res = await api.call('GET', '/models');
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { id: string }) => m.id)).toContain('yealink/t54w');
  });
});
