import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { createSite, createUser, mac } from './helpers/fixtures.ts';

let api: ApiServer;
let siteId: string;
beforeEach(async () => {
  api = await startApiServer();
  siteId = (await createSite(api)).id;
});
afterEach(async () => {
  await api.close();
});

describe('sites', () => {
  it('edits a site and refuses shrinking the range below an extension in use', async () => {
    await createUser(api, siteId, { extension: 250 });
    const renamed = await api.call('PATCH', `/sites/${siteId}`, { name: 'Berlin', tftpSecrets: true });
    expect(renamed.body).toMatchObject({ name: 'Berlin', tftpSecrets: true, timezone: 'Europe/Berlin' });
    const shrink = await api.call('PATCH', `/sites/${siteId}`, { extensionRange: { first: 200, last: 249 } });
    expect([shrink.status, shrink.body.error.code]).toEqual([422, 'EXTENSION_OUT_OF_RANGE']);
    const grow = await api.call('PATCH', `/sites/${siteId}`, { extensionRange: { first: 200, last: 399 } });
    expect(grow.body.extensionRange).toEqual({ first: 200, last: 399 });
  });

  it('deletes an empty site and refuses one still in use', async () => {
    const user = await createUser(api, siteId);
    const busy = await api.call('DELETE', `/sites/${siteId}`);
    expect([busy.status, busy.body.error.code]).toEqual([409, 'CONFLICT']);
    await api.call('DELETE', `/users/${user.id}`);
    expect((await api.call('DELETE', `/sites/${siteId}`)).status).toBe(204);
    expect((await api.call('GET', `/sites/${siteId}`)).status).toBe(404);
  });
});

describe('users', () => {
  it('lists with a search and paging, and renames the line with the user', async () => {
    for (const n of ['Ana', 'Bo', 'Cy']) await createUser(api, siteId, { name: n, email: `${n}@example.com` });
    const page = await api.call('GET', '/users?limit=2');
    expect(page.body).toMatchObject({ total: 3, next: 2 });
    expect(page.body.items).toHaveLength(2);
    const last = await api.call('GET', '/users?limit=2&offset=2');
    expect(last.body.next).toBeNull();
    const found = await api.call('GET', '/users?q=bo');
    expect(found.body.items.map((u: { name: string }) => u.name)).toEqual(['Bo']);

    const bo = found.body.items[0];
    await api.call('PATCH', `/users/${bo.id}`, { name: 'Bob' });
    expect((await api.call('GET', `/extensions/${bo.extension.number}`)).body.displayName).toBe('Bob');
  });
});

describe('numbers and caller IDs', () => {
  it('sets an outbound caller ID from the inventory and refuses to delete a number in use', async () => {
    await createUser(api, siteId);
    const number = await api.call('POST', '/numbers', { e164: '+4930123456', region: 'DE', callerIdName: 'HQ', extension: 200 });
    expect(number.body).toMatchObject({ e164: '+4930123456', extension: { number: 200 } });
    const dup = await api.call('POST', '/numbers', { e164: '+4930123456', region: 'DE' });
    expect(dup.status).toBe(409);

    const ext = await api.call('PATCH', '/extensions/200', { outboundCallerId: '+4930123456', voicemail: true });
    expect(ext.body).toMatchObject({ outboundCallerId: '+4930123456', voicemail: true });
    const busy = await api.call('DELETE', '/numbers/+4930123456');
    expect([busy.status, busy.body.error.code]).toEqual([409, 'NUMBER_IN_USE']);

    await api.call('PATCH', '/extensions/200', { outboundCallerId: null });
    const patched = await api.call('PATCH', '/numbers/+4930123456', { callerIdName: null, extension: null });
    expect(patched.body).toMatchObject({ callerIdName: null, extension: null });
    expect((await api.call('DELETE', '/numbers/+4930123456')).status).toBe(204);
    expect((await api.call('GET', '/numbers')).body.total).toBe(0);
  });
});

describe('devices', () => {
  it('filters the list by state, site, model and text', async () => {
    await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, standalone: true, label: 'Lobby' });
    await api.call('POST', '/devices', { mac: mac(2), model: 'yealink/t46u', siteId, standalone: true, label: 'Kitchen' });
    api.services.devices.recordDiscovered({ mac: mac(3), modelId: 'yealink/t54w', ip: null, ua: null, firmware: null, now: new Date() });
    const count = async (query: string) => (await api.call('GET', `/devices?${query}`)).body.total;
    expect(await count('state=provisioned')).toBe(2);
    expect(await count('state=discovered')).toBe(1);
    expect(await count(`siteId=${siteId}`)).toBe(2);
    expect(await count('model=yealink/t46u')).toBe(1);
    expect(await count('q=lob')).toBe(1);
    expect(await count(`q=${mac(3).slice(6)}`)).toBe(1);
    const bad = await api.call('GET', '/devices?state=lost');
    expect(bad.status).toBe(400);
  });

  it('retires a device, freeing its standalone extension, and provisions it again', async () => {
    await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, standalone: true });
    const retired = await api.call('PATCH', `/devices/${mac(1)}`, { state: 'retired' });
    expect(retired.body).toMatchObject({ state: 'retired', binding: null });
    expect((await api.call('GET', '/extensions/200')).status).toBe(404);
    const back = await api.call('PATCH', `/devices/${mac(1)}`, { state: 'provisioned', standalone: true });
    expect(back.body).toMatchObject({ state: 'provisioned', binding: { kind: 'standalone', extension: { number: 200 } } });
  });

  it('claims a discovered device for a user and refuses to claim it twice', async () => {
    const user = await createUser(api, siteId);
    api.services.devices.recordDiscovered({ mac: mac(5), modelId: 'yealink/t54w', ip: null, ua: null, firmware: null, now: new Date() });
    const claimed = await api.call('POST', `/devices/${mac(5)}/claim`, { siteId, userId: user.id });
    expect(claimed.body).toMatchObject({ state: 'provisioned', binding: { kind: 'user', userId: user.id } });
    const again = await api.call('POST', `/devices/${mac(5)}/claim`, { siteId, standalone: true });
    expect(again.status).toBe(409);
    const created = await api.call('POST', '/devices', { mac: mac(5), model: 'yealink/t54w', siteId, standalone: true });
    expect(created.body.error.code).toBe('DUPLICATE_MAC');
  });

  it('refuses to bind a device to an unlicensed user or one from another site', async () => {
    const user = await createUser(api, siteId, { licensed: false });
    const unlicensed = await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, userId: user.id });
    expect([unlicensed.status, unlicensed.body.error.field]).toEqual([422, 'userId']);
    const other = await createSite(api, { name: 'Paris', extensionRange: { first: 300, last: 399 } });
    const elsewhere = await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId: other.id, userId: user.id });
    expect([elsewhere.status, elsewhere.body.error.field]).toEqual([422, 'userId']);
  });

  it('assigns a profile and refuses deleting a profile in use', async () => {
    const profile = (await api.call('POST', '/profiles', { name: 'office', settings: {} })).body;
    await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, standalone: true, profileId: profile.id });
    const del = await api.call('DELETE', `/profiles/${profile.id}`, undefined, { headers: { 'if-match': '"1"' } });
    expect([del.status, del.body.error.code]).toEqual([409, 'CONFLICT']);
    const cleared = await api.call('PATCH', `/devices/${mac(1)}`, { profileId: null });
    expect(cleared.body.profileId).toBeNull();
  });

  it('refuses a restore when nothing was unbound', async () => {
    await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, standalone: true });
    const res = await api.call('POST', `/devices/${mac(1)}/restore`);
    expect([res.status, res.body.error.code]).toEqual([422, 'RULE_VIOLATION']);
  });
});

describe('audit', () => {
  it('records who did what with before and after, filterable by entity, actor and time', async () => {
    const start = new Date().toISOString();
    const user = await createUser(api, siteId);
    await api.call('PATCH', `/users/${user.id}`, { name: 'Ana B' });
    const events = await api.call('GET', `/audit?entity=user&entityId=${user.id}`);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['user.update', 'user.create']);
    const update = events.body.items[0];
    expect(update.before.name).toBe('Ana');
    expect(update.after.name).toBe('Ana B');
    expect(update.actorName).toBe('super-admin (first start)');
    const byActor = await api.call('GET', `/audit?actor=${update.actorId}&since=${encodeURIComponent(start)}`);
    expect(byActor.body.total).toBeGreaterThanOrEqual(2);
    expect((await api.call('GET', '/audit?since=2999-01-01T00:00:00Z')).body.total).toBe(0);
  });
});
