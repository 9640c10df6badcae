import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer();
});
afterEach(async () => {
  await api.close();
});

const SETTINGS = { time: { ntp: 'pool.ntp.org' }, network: { lldp: true, vlan: 20 }, raw: { yealink: { 'features.dnd.enable': '1' } } };

describe('profiles with optimistic concurrency', () => {
  it('bumps the revision on every edit and answers with it as the ETag', async () => {
    const created = await api.call('POST', '/profiles', { name: 'office', settings: SETTINGS });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.settings).toEqual(SETTINGS);

    const patched = await api.call('PATCH', `/profiles/${created.body.id}`, { settings: { language: 'de' } }, { headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(200);
    expect(patched.body.revision).toBe(2);
    expect(patched.headers.get('etag')).toBe('"2"');

    const got = await api.call('GET', `/profiles/${created.body.id}`);
    expect(got.headers.get('etag')).toBe('"2"');
    expect(got.body.settings).toEqual({ language: 'de' });
  });

  it('refuses a write based on a stale revision with 412 and one without If-Match with 428', async () => {
    const { body } = await api.call('POST', '/profiles', { name: 'office', settings: {} });
    const first = await api.call('PATCH', `/profiles/${body.id}`, { name: 'office-a' }, { headers: { 'if-match': '"1"' } });
    expect(first.status).toBe(200);
    const stale = await api.call('PATCH', `/profiles/${body.id}`, { name: 'office-b' }, { headers: { 'if-match': '"1"' } });
    expect([stale.status, stale.body.error.code]).toEqual([412, 'PRECONDITION_FAILED']);
    const put = await api.call('PUT', `/profiles/${body.id}`, { name: 'office-c', settings: {} }, { headers: { 'if-match': '"1"' } });
    expect(put.status).toBe(412);
    const del = await api.call('DELETE', `/profiles/${body.id}`, undefined, { headers: { 'if-match': '"1"' } });
    expect(del.status).toBe(412);
    const missing = await api.call('PATCH', `/profiles/${body.id}`, { name: 'office-d' });
    expect([missing.status, missing.body.error.code]).toEqual([428, 'PRECONDITION_REQUIRED']);
    expect((await api.call('GET', `/profiles/${body.id}`)).body.name).toBe('office-a');
    const any = await api.call('PATCH', `/profiles/${body.id}`, { name: 'office-e' }, { headers: { 'if-match': '*' } });
    expect(any.body.revision).toBe(3);
    const ok = await api.call('DELETE', `/profiles/${body.id}`, undefined, { headers: { 'if-match': '"3"' } });
    expect(ok.status).toBe(204);
  });

  it('refuses a parent that would make a cycle', async () => {
    const a = (await api.call('POST', '/profiles', { name: 'a', settings: {} })).body;
    const b = (await api.call('POST', '/profiles', { name: 'b', parentId: a.id, settings: {} })).body;
    const cycle = await api.call('PATCH', `/profiles/${a.id}`, { parentId: b.id }, { headers: { 'if-match': '"1"' } });
    expect([cycle.status, cycle.body.error.code, cycle.body.error.field]).toEqual([422, 'RULE_VIOLATION', 'parentId']);
    const self = await api.call('PATCH', `/profiles/${a.id}`, { parentId: a.id }, { headers: { 'if-match': '"1"' } });
    expect(self.status).toBe(422);
  });

  it('refuses settings outside the ProfileSettings schema and firmware for unknown models', async () => {
    const unknownKey = await api.call('POST', '/profiles', { name: 'x', settings: { colour: 'red' } });
    expect([unknownKey.status, unknownKey.body.error.code]).toEqual([400, 'INVALID_FIELD']);
    const vlan = await api.call('POST', '/profiles', { name: 'x', settings: { network: { vlan: 5000 } } });
    expect(vlan.body.error.field).toBe('settings.network.vlan');
    const firmware = await api.call('POST', '/profiles', {
      name: 'x',
      settings: { firmware: { 'yealink/t99': { version: '1', file: 'f.rom' } } },
    });
    expect([firmware.status, firmware.body.error.code]).toEqual([422, 'UNKNOWN_MODEL']);
  });
});
