import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { contentDigest, createSite } from './helpers/fixtures.ts';

const ADDRESS = { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' };
const MAC_A = '00:15:65:aa:bb:01';
const MAC_B = '00:15:65:aa:bb:02';

let api: ApiServer;
let siteId: string;

beforeEach(async () => {
  api = await startApiServer();
  siteId = (await createSite(api)).id;
  for (const [e164, region] of [['+13125550100', 'US'], ['+13125550101', 'US'], ['+13125550102', 'US'], ['+493012345678', 'DE']]) {
    expect((await api.call('POST', '/numbers', { e164, region })).status).toBe(201);
  }
});
afterEach(async () => {
  await api.close();
});

async function location(name: string, callbackNumber: string, place: Record<string, string>, extra: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/locations', { siteId, name, address: ADDRESS, place, callbackNumber, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; status: string; default: boolean };
}

async function device(mac: string): Promise<string> {
  const res = await api.call('POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const token = await api.call('POST', `/devices/${mac}/agent-token`);
  expect(token.status).toBe(200);
  return token.body.token as string;
}

const lldp = (port: string) => ({
  chassisId: { type: 'mac', value: '00:00:5e:00:53:01' },
  portId: { type: 'ifname', value: port },
  medLocation: { format: 'civic', civic: { country: 'US', A6: 'Wacker', FLR: '41' } },
});

function report(id: string, at: string, port: string, extra: Record<string, unknown> = {}) {
  return { id, at, sip: { registered: true }, configRevision: '7', network: { ip: '10.1.2.3/24', lldp: lldp(port) }, ...extra };
}

const auditCount = (action: string) =>
  (api.db.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ?').get(action) as { n: number }).n;

describe('emergency locations', () => {
  it('creates a registered location and makes a new default take the flag from the old one', async () => {
    const a = await location('Desk 41-02', '+13125550100', { FLR: '41', ROOM: '4102' }, { default: true, notifyTargets: ['mailto:security@example.com'] });
    expect(a).toMatchObject({ status: 'registered', default: true });
    const b = await location('Floor 41', '+13125550101', { FLR: '41' }, { default: true });
    expect(b.default).toBe(true);
    expect((await api.call('GET', `/locations/${a.id}`)).body.default).toBe(false);
    const list = await api.call('GET', `/locations?siteId=${siteId}`);
    expect(list.body.total).toBe(2);
  });

  it.each([
    ['an unknown callback number', { callbackNumber: '+13125559999' }, 422, 'UNKNOWN_REFERENCE', 'callbackNumber'],
    ['a callback number from another country', { callbackNumber: '+493012345678' }, 422, 'RULE_VIOLATION', 'callbackNumber'],
    ['an address without a house number', { address: { ...ADDRESS, HNO: undefined } }, 400, 'INVALID_FIELD', 'address.HNO'],
    ['a notify target that is no URI', { notifyTargets: ['call bob'] }, 400, 'INVALID_FIELD', 'notifyTargets[0]'],
    ['an unknown site', { siteId: 'nope' }, 422, 'UNKNOWN_REFERENCE', 'siteId'],
  ])('refuses %s', async (_t, override, status, code, field) => {
    const res = await api.call('POST', '/locations', { siteId, name: 'x', address: ADDRESS, callbackNumber: '+13125550100', ...override });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, field });
  });

  it('refuses a callback number another location already has', async () => {
    await location('A', '+13125550100', {});
    const res = await api.call('POST', '/locations', { siteId, name: 'B', address: ADDRESS, callbackNumber: '+13125550100' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'NUMBER_IN_USE', field: 'callbackNumber' });
  });

  it('exports PIDF-LO as application/pidf+xml that parses back to the address', async () => {
    const a = await location('Desk', '+13125550100', { FLR: '41', ROOM: '4102' });
    const res = await fetch(`${api.baseUrl}/locations/${a.id}/pidf`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pidf\+xml/);
    const obj = create(await res.text()).end({ format: 'object' }) as Record<string, any>;
    expect(JSON.stringify(obj)).toContain('4102');
    expect(Object.keys(obj)[0]).toBe('presence');
  });
});

describe('network map', () => {
  it('stores normalised entries and refuses duplicates and overlapping wildcards', async () => {
    const loc = await location('Desk', '+13125550100', {});
    const wild = await api.call('POST', '/network-map', { locationId: loc.id, kind: 'bssid', bssid: 'AA-BB-CC-DD-EE-**' });
    expect(wild.status).toBe(201);
    expect(wild.body).toMatchObject({ kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:**' });
    const inside = await api.call('POST', '/network-map', { locationId: loc.id, kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:01' });
    expect(inside.status).toBe(409);
    expect(inside.body.error).toMatchObject({ code: 'CONFLICT', field: 'bssid', details: { existingId: wild.body.id } });
    const v6 = await api.call('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '2001:db8:41::/48' });
    expect(v6.status).toBe(201);
    const bad = await api.call('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '10.0.0.1/8' });
    expect(bad.status).toBe(400);
    expect((await api.call('GET', `/network-map?locationId=${loc.id}`)).body.total).toBe(2);
    expect((await api.call('DELETE', `/network-map/${wild.body.id}`)).status).toBe(204);
    expect((await api.call('POST', '/network-map', { locationId: loc.id, kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:01' })).status).toBe(201);
  });
});

describe('agent reports and device status', () => {
  it('resolves a reported switch port, audits each change of location, and takes a replay once', async () => {
    const desk2 = await location('Desk 41-02', '+13125550100', { FLR: '41', ROOM: '4102' });
    const desk3 = await location('Desk 41-03', '+13125550101', { FLR: '41', ROOM: '4103' });
    for (const [loc, port] of [[desk2, 'Gi1/0/1'], [desk3, 'Gi1/0/2']] as const) {
      const e = await api.call('POST', '/network-map', { locationId: loc.id, kind: 'switchPort', chassisId: '00-00-5E-00-53-01', portId: port });
      expect(e.status).toBe(201);
    }
    const token = await device(MAC_A);

    const first = await api.call('POST', '/agent/reports', report('r1', '2026-01-01T10:00:00Z', 'Gi1/0/1', { mac: MAC_A }), { token });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: 'r1', duplicate: false });
    const status = await api.call('GET', `/devices/${MAC_A}/status`);
    expect(status.body).toMatchObject({
      mac: '001565aabb01',
      live: true,
      applied: { revision: '7' },
      sip: { registered: true },
      location: { id: desk2.id, name: 'Desk 41-02', matchedBy: 'switchPort', unresolved: false },
      alerts: [],
    });
    // Never served a file, and it applied revision 7 while the device is at revision 1.
    expect(status.body.loop.map((s: { state: string }) => s.state)).toEqual(['pending', 'pending', 'ok', 'ok']);
    expect(status.body.loop[1].reason).toBe('the phone applied revision 7; the current one is 1');

    const before = contentDigest(api.db);
    const replay = await api.call('POST', '/agent/reports', report('r1', '2026-01-01T10:00:00Z', 'Gi1/0/2'), { token });
    expect(replay.status).toBe(202);
    expect(replay.body.duplicate).toBe(true);
    expect(contentDigest(api.db)).toBe(before);

    await api.call('POST', '/agent/reports', report('r2', '2026-01-01T10:01:00Z', 'Gi1/0/2'), { token });
    const moved = await api.call('GET', `/devices/${MAC_A}/status`);
    expect(moved.body.location).toMatchObject({ id: desk3.id, matchedBy: 'switchPort' });
    expect(auditCount('device.location')).toBe(2);

    const pidf = await fetch(`${api.baseUrl}/devices/${MAC_A}/pidf`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    const xml = await pidf.text();
    expect(xml).toContain('mac:001565aabb01');
    expect(xml).toContain('<ca:ROOM>4103</ca:ROOM>');
    expect(xml).toContain('Wiremap');
  });

  it('refuses a report for another device, another device\'s token, an admin token and garbled bodies, writing nothing', async () => {
    const tokenA = await device(MAC_A);
    await device(MAC_B);
    const before = contentDigest(api.db);
    const forged = await api.call('POST', '/agent/reports', report('x1', '2026-01-01T10:00:00Z', 'Gi1/0/1', { mac: MAC_B }), { token: tokenA });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ code: 'FORBIDDEN', field: 'mac' });
    const admin = await api.call('POST', '/agent/reports', report('x2', '2026-01-01T10:00:00Z', 'Gi1/0/1'));
    expect(admin.status).toBe(401);
    const unknown = await api.call('POST', '/agent/reports', report('x3', '2026-01-01T10:00:00Z', 'Gi1/0/1'), { token: 'not-a-device-token' });
    expect(unknown.status).toBe(401);
    const garbled = await api.call('POST', '/agent/reports', undefined, { token: tokenA, raw: '{"id": "x4", "at": ' });
    expect(garbled.status).toBe(400);
    const extra = await api.call('POST', '/agent/reports', { ...report('x5', '2026-01-01T10:00:00Z', 'Gi1/0/1'), sql: 'drop' }, { token: tokenA });
    expect(extra.status).toBe(400);
    const huge = await api.call('POST', '/agent/reports', { id: 'x6', at: '2026-01-01T10:00:00Z', firmware: 'x'.repeat(70_000) }, { token: tokenA });
    expect(huge.status).toBe(413);
    expect(contentDigest(api.db)).toBe(before);
  });

  it('refuses an agent token at once once it is replaced, and once its device is removed', async () => {
    const first = await device(MAC_A);
    expect((await api.call('POST', '/agent/reports', report('t1', '2026-01-01T10:00:00Z', 'Gi1/0/1'), { token: first })).status).toBe(202);
    const reissued = await api.call('POST', `/devices/${MAC_A}/agent-token`);
    expect(reissued.status).toBe(200);
    const second = reissued.body.token as string;
    expect((await api.call('POST', '/agent/reports', report('t2', '2026-01-01T10:01:00Z', 'Gi1/0/1'), { token: first })).status).toBe(401);
    expect((await api.call('POST', '/agent/reports', report('t3', '2026-01-01T10:02:00Z', 'Gi1/0/1'), { token: second })).status).toBe(202);
    expect((await api.call('DELETE', `/devices/${MAC_A}`)).status).toBe(204);
    expect((await api.call('POST', '/agent/reports', report('t4', '2026-01-01T10:03:00Z', 'Gi1/0/1'), { token: second })).status).toBe(401);
  });

  it('keeps the newest state when an older report arrives late', async () => {
    const desk2 = await location('Desk 41-02', '+13125550100', {});
    await api.call('POST', '/network-map', { locationId: desk2.id, kind: 'switchPort', chassisId: '00:00:5e:00:53:01', portId: 'Gi1/0/1' });
    const token = await device(MAC_A);
    await api.call('POST', '/agent/reports', report('new', '2026-01-01T10:05:00Z', 'Gi1/0/1'), { token });
    const late = await api.call('POST', '/agent/reports', report('old', '2026-01-01T10:00:00Z', 'Gi1/0/9', { sip: { registered: false } }), { token });
    expect(late.status).toBe(202);
    const status = await api.call('GET', `/devices/${MAC_A}/status`);
    expect(status.body.sip).toEqual({ registered: true });
    expect(status.body.location.id).toBe(desk2.id);
  });

  it('alerts on a registered phone that resolves nowhere, and on the site default', async () => {
    const token = await device(MAC_A);
    await api.call('POST', '/agent/reports', report('a1', '2026-01-01T10:00:00Z', 'Gi1/0/1'), { token });
    const alerts = await api.call('GET', '/alerts');
    expect(alerts.body.items).toEqual([
      { source: 'device', mac: '001565aabb01', deviceId: expect.any(String), alerts: [expect.objectContaining({ code: 'NO_REGISTERED_LOCATION', severity: 'alert' })] },
    ]);
    const dflt = await location('Lobby', '+13125550102', {}, { default: true });
    const status = await api.call('GET', `/devices/${MAC_A}/status`);
    expect(status.body.location).toMatchObject({ id: dflt.id, matchedBy: 'siteDefault', unresolved: true });
    expect(status.body.alerts.map((a: { code: string }) => a.code)).toEqual(['LOCATION_UNRESOLVED']);
  });

  it('uses a location assigned by hand before the site default', async () => {
    await location('Lobby', '+13125550102', {}, { default: true });
    const desk = await location('Desk', '+13125550100', {});
    await device(MAC_A);
    const res = await api.call('PUT', `/devices/${MAC_A}/location`, { locationId: desk.id });
    expect(res.status).toBe(200);
    expect(res.body.location).toMatchObject({ id: desk.id, matchedBy: 'assigned' });
  });
});

describe('fleet status and the status stream', () => {
  it('counts devices, live, registered, located and alerting', async () => {
    const desk = await location('Desk 41-02', '+13125550100', {});
    await api.call('POST', '/network-map', { locationId: desk.id, kind: 'subnet', cidr: '10.1.2.0/24' });
    const tokenA = await device(MAC_A);
    const tokenB = await device(MAC_B);
    await api.call('POST', '/agent/reports', report('s1', '2026-01-01T10:00:00Z', 'Gi1/0/1'), { token: tokenA });
    await api.call('POST', '/agent/reports', { id: 's2', at: '2026-01-01T10:00:00Z', sip: { registered: true }, network: { ip: '192.0.2.4/24' } }, { token: tokenB });
    const res = await api.call('GET', '/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ devices: 2, live: 2, registered: 2, located: 1, alerts: 1, switchAlerts: 0 });
  });

  it('streams each device change as a server-sent event and refuses a stream without a token', async () => {
    const token = await device(MAC_A);
    const abort = new AbortController();
    const res = await fetch(`${api.baseUrl}/status/stream`, {
      headers: { authorization: `Bearer ${api.adminToken}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    text += (await reader.read()).value ?? '';
    expect(text).toContain(': deskprov status stream');
    await api.call('POST', '/agent/reports', report('e1', '2026-01-01T10:00:00Z', 'Gi1/0/1'), { token });
    const deadline = Date.now() + 5000;
    const complete = () => text.includes('event: device') && text.includes('\n\n', text.indexOf('event: device'));
    while (!complete() && Date.now() < deadline) {
      text += (await reader.read()).value ?? '';
    }
    const block = text.slice(text.indexOf('event: device')).split('\n\n')[0]!;
    const data = JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(data).toMatchObject({ mac: '001565aabb01', sip: { registered: true } });
    const unauthorized = await fetch(`${api.baseUrl}/status/stream`);
    expect(unauthorized.status).toBe(401);
    await unauthorized.body?.cancel();
    abort.abort();
  });

  it('ends open streams when the server closes', async () => {
    const res = await fetch(`${api.baseUrl}/status/stream`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    const reader = res.body!.getReader();
    await reader.read();
    const started = Date.now();
    await api.app.close();
    expect(Date.now() - started).toBeLessThan(5000);
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  });
});

describe('network map import', () => {
  it('imports a CSV all or nothing, listing each bad row with its line', async () => {
    const desk = await location('Desk', '+13125550100', {});
    const good = `locationId,kind,chassisId,portId,cidr\n${desk.id},switchPort,00:00:5e:00:53:01,Gi1/0/1,\n${desk.id},subnet,,,10.1.0.0/16\n`;
    const ok = await api.call('POST', '/network-map/import', { csv: good });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ imported: 2 });
    const bad = `locationId,kind,chassisId,portId,cidr\n${desk.id},switch,00:00:5e:00:53:02,,\n${desk.id},subnet,,,10.1.0.0/16\nnope,subnet,,,10.2.0.0/16\n`;
    const before = contentDigest(api.db);
    const refused = await api.call('POST', '/network-map/import', { csv: bad });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('IMPORT_REJECTED');
    expect(refused.body.error.details.errors).toEqual([
      expect.objectContaining({ line: 3, code: 'CONFLICT', field: 'cidr' }),
      expect.objectContaining({ line: 4, code: 'UNKNOWN_REFERENCE', field: 'locationId' }),
    ]);
    expect(contentDigest(api.db)).toBe(before);
  });
});

describe('phone action URLs', () => {
  const event = (key: string, name: string, query = '') => fetch(`${api.baseUrl}/events/${key}/${name}${query}`);

  it('maps vendor events onto the device status, keeping the agent\'s network evidence', async () => {
    const desk = await location('Desk 41-02', '+13125550100', {});
    await api.call('POST', '/network-map', { locationId: desk.id, kind: 'switchPort', chassisId: '00:00:5e:00:53:01', portId: 'Gi1/0/1' });
    const key = await device(MAC_A);
    await api.call('POST', '/agent/reports', report('p1', '2020-01-01T10:00:00Z', 'Gi1/0/1'), { token: key });

    expect((await event(key, 'register_failed', '?code=403&mac=00155aabb01')).status).toBe(403);
    expect((await event(key, 'register_failed', '?code=403&mac=001565aabb01')).status).toBe(204);
    let status = (await api.call('GET', `/devices/${MAC_A}/status`)).body;
    expect(status.sip).toEqual({ registered: false, lastError: 'registrar answered 403' });
    expect(status.location).toMatchObject({ id: desk.id, matchedBy: 'switchPort' });

    expect((await event(key, 'log_on')).status).toBe(204);
    expect((await event(key, 'setup_completed', '?rev=9')).status).toBe(204);
    expect((await event(key, 'off_hook')).status).toBe(204);
    status = (await api.call('GET', `/devices/${MAC_A}/status`)).body;
    expect(status.sip).toEqual({ registered: true });
    expect(status.applied).toEqual({ revision: '9' });
  });

  it('refuses an unknown key with the same 403 as another device\'s key, and writes nothing', async () => {
    await device(MAC_A);
    const before = contentDigest(api.db);
    const res = await event('dpa_not-a-real-key-0000', 'registered');
    expect(res.status).toBe(403);
    expect(contentDigest(api.db)).toBe(before);
  });
});

describe('map edits move devices', () => {
  it('audits the new location of every reported device when a map entry it matched is removed', async () => {
    const wing = await location('Wing', '+13125550100', {});
    const lobby = await location('Lobby', '+13125550101', {}, { default: true });
    const entry = await api.call('POST', '/network-map', { locationId: wing.id, kind: 'subnet', cidr: '10.1.2.0/24' });
    const token = await device(MAC_A);
    await api.call('POST', '/agent/reports', { id: 'm1', at: '2026-01-01T10:00:00Z', network: { ip: '10.1.2.3/24' } }, { token });
    expect((await api.call('GET', `/devices/${MAC_A}/status`)).body.location).toMatchObject({ id: wing.id, matchedBy: 'subnet' });
    expect(auditCount('device.location')).toBe(1);
    expect((await api.call('DELETE', `/network-map/${entry.body.id}`)).status).toBe(204);
    expect(auditCount('device.location')).toBe(2);
    const last = api.db.prepare("SELECT actor_name, after FROM audit_events WHERE action = 'device.location' ORDER BY seq DESC LIMIT 1").get() as { actor_name: string; after: string };
    expect(JSON.parse(last.after)).toMatchObject({ locationId: lobby.id, matchedBy: 'siteDefault' });
    expect(last.actor_name).not.toMatch(/^agent/);
  });
});
