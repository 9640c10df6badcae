import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { contentDigest, createSite, createUser, mac } from './helpers/fixtures.ts';

let api: ApiServer;
let siteId: string;
let otherSiteId: string;
let admin: string;
let installer: string;

beforeAll(async () => {
  api = await startApiServer();
  siteId = (await createSite(api)).id;
  otherSiteId = (await createSite(api, { name: 'Paris', extensionRange: { first: 300, last: 399 } })).id;
  await createUser(api, siteId);
  admin = (await api.call('POST', '/tokens', { name: 'Admin Ada', role: 'admin' })).body.token;
  installer = (await api.call('POST', '/tokens', { name: 'Ivo', role: 'installer', siteId })).body.token;
  // Two phones seen asking for their files, one from each site's network.
  api.services.devices.recordDiscovered({ mac: mac(50), modelId: 'yealink/t54w', ip: '10.1.2.3', ua: null, firmware: null, now: new Date() });
  api.services.devices.recordDiscovered({ mac: mac(51), modelId: 'yealink/t54w', ip: '192.0.2.7', ua: null, firmware: null, now: new Date() });
});
afterAll(async () => {
  await api.close();
});

describe('roles', () => {
  it.each([
    ['an admin', () => admin, 'POST', '/tokens', { name: 'x', role: 'admin' }],
    ['an admin', () => admin, 'POST', '/extensions/200/secret:reveal', undefined],
    ['an installer', () => installer, 'POST', '/sites', { name: 'x' }],
    ['an installer', () => installer, 'POST', '/devices', { mac: mac(9), model: 'yealink/t54w', siteId: 'x', standalone: true }],
    ['an installer', () => installer, 'PATCH', '/extensions/200', { voicemail: true }],
    ['an installer', () => installer, 'POST', '/extensions/200/secret:rotate', undefined],
    ['an installer', () => installer, 'GET', '/tokens', undefined],
  ])('refuses %s %s %s with 403 and changes nothing', async (_who, token, method, path, body) => {
    const before = contentDigest(api.db);
    const res = await api.call(method, path, body, { token: token() });
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(contentDigest(api.db)).toBe(before);
  });

  it('lets an installer read everything but secrets', async () => {
    for (const path of ['/sites', '/users', '/devices', '/extensions', '/numbers', '/profiles', '/models', '/audit']) {
      expect((await api.call('GET', path, undefined, { token: installer })).status).toBe(200);
    }
  });

  it('lets an installer claim a discovered device at their site, not at another', async () => {
    const listed = await api.call('GET', '/devices?state=awaiting-claim', undefined, { token: installer });
    expect(listed.body.items.map((d: { mac: string }) => d.mac)).toEqual([mac(50)]);

    const claimed = await api.call('POST', `/devices/${mac(50)}/claim`, { standalone: true, label: 'Door' }, { token: installer });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ state: 'provisioned', siteId, label: 'Door', binding: { kind: 'standalone' } });

    const before = contentDigest(api.db);
    const elsewhere = await api.call('POST', `/devices/${mac(51)}/claim`, { siteId: otherSiteId, standalone: true }, { token: installer });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(contentDigest(api.db)).toBe(before);

    const events = await api.call('GET', `/audit?entity=device:${mac(50)}`);
    expect(events.body.items[0]).toMatchObject({ action: 'device.claim', actorName: 'Ivo' });
  });

  it('lets an admin manage devices and issue an agent token the agent can use', async () => {
    const res = await api.call('POST', '/devices', { mac: mac(60), model: 'yealink/t54w', siteId, standalone: true }, { token: admin });
    expect(res.status).toBe(201);
    const agent = await api.call('POST', `/devices/${mac(60)}/agent-token`, undefined, { token: admin });
    expect(agent.body.token).toMatch(/^dpa_/);
    expect(api.services.tokens.verifyDevice(agent.body.token)).toEqual({ deviceId: res.body.id, mac: mac(60) });
    expect((await api.call('GET', '/audit?action=device.create', undefined, { token: admin })).body.items[0].actorName).toBe('Admin Ada');
  });
});

describe('site-scoped admin tokens', () => {
  it('act on their own site only', async () => {
    const scoped = (await api.call('POST', '/tokens', { name: 'Paris admin', role: 'admin', siteId: otherSiteId })).body.token;
    const before = contentDigest(api.db);
    for (const [method, path, body] of [
      ['POST', '/sites', { name: 'X', timezone: 'UTC', networks: [], extensionRange: { first: 900, last: 901 }, registrar: { host: 'pbx' } }],
      ['PATCH', `/sites/${siteId}`, { name: 'Mine now' }],
      ['POST', '/users', { name: 'Eve', email: 'eve@example.com', siteId }],
      ['PATCH', '/extensions/200', { voicemail: true }],
      ['POST', '/devices', { mac: mac(70), model: 'yealink/t54w', siteId, standalone: true }],
    ] as const) {
      const res = await api.call(method, path, body, { token: scoped });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(contentDigest(api.db)).toBe(before);
    const own = await api.call('POST', '/users', { name: 'Pia', email: 'pia@example.com', siteId: otherSiteId }, { token: scoped });
    expect(own.status).toBe(201);
  });
});

describe('guarding the top roles', () => {
  it('lets only a super-admin make a user an admin', async () => {
    const res = await api.call('POST', '/users', { name: 'Mal', email: 'mal@example.com', siteId, role: 'admin' }, { token: admin });
    expect([res.status, res.body.error.field]).toEqual([403, 'role']);
    const plain = await api.call('POST', '/users', { name: 'Mal', email: 'mal@example.com', siteId, role: 'installer' }, { token: admin });
    expect(plain.status).toBe(201);
    const raise = await api.call('PATCH', `/users/${plain.body.id}`, { role: 'super-admin' }, { token: admin });
    expect(raise.status).toBe(403);
    const bySuper = await api.call('PATCH', `/users/${plain.body.id}`, { role: 'admin' });
    expect(bySuper.body.role).toBe('admin');
  });

  it('refuses to revoke the last super-admin token', async () => {
    const tokens = (await api.call('GET', '/tokens')).body.items as { id: string; role: string; revokedAt: string | null }[];
    const supers = tokens.filter((t) => t.role === 'super-admin' && t.revokedAt === null);
    expect(supers).toHaveLength(1);
    const res = await api.call('DELETE', `/tokens/${supers[0]!.id}`);
    expect([res.status, res.body.error.code]).toEqual([409, 'CONFLICT']);
  });
});
