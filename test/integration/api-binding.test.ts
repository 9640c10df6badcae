import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer();
});
afterEach(async () => {
  await api.close();
});

const SITE = {
  name: 'Berlin HQ',
  timezone: 'Europe/Berlin',
  networks: ['10.1.0.0/16', '2001:db8::/48'],
  extensionRange: { first: 200, last: 299 },
  registrar: { host: 'pbx.example.com', port: 5060, transport: 'udp' },
};

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
});
