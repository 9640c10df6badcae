import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SWITCH_WALK_PLAN } from '../../server/domain/snmp-tables.ts';
import { runCli } from '../../server/cli/main.ts';
import { createSnmpWalker } from '../../server/location/snmp-walker.ts';
import { startSimulatedSwitch, type SimulatedSwitch } from '../helpers/snmp-switch-agent.ts';
import { manyMacs, walkOf, type SyntheticPort } from '../helpers/synthetic-switch.ts';
import { startLocationServer, type LocationServer } from './helpers/location-server.ts';

const run = promisify(execFile);
const CHASSIS = 'aa:bb:cc:00:00:01';
const PHONE_A = '00:15:65:aa:bb:01';
const PHONE_B = '00:15:65:aa:bb:02';
const ADDRESS = { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' };
const COMMUNITY = 'c0mmunity-ro';
const V3 = { name: 'poller', authKey: 'authpass-1', privKey: 'privpass-1' };

const port = (n: number, macs: string[], extra: Partial<SyntheticPort> = {}): SyntheticPort => ({ bridgePort: n, ifIndex: 10100 + n, ifName: `Gi1/0/${n}`, macs, ...extra });
const layout = (a: number, b: number, extra: SyntheticPort[] = []) => walkOf({ chassisMac: CHASSIS, ports: [port(a, [PHONE_A]), port(b, [PHONE_B]), ...extra] });

let api: LocationServer;
let sim: SimulatedSwitch;
let siteId: string;
const desks: Record<string, string> = {};

async function ok<T = any>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await api.call(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as T;
}

const table = (name: string) => api.db.prepare(`SELECT * FROM ${name} ORDER BY 1, 2`).all();
const locationAudits = () => api.db.prepare("SELECT * FROM audit_events WHERE action = 'device.location' ORDER BY seq").all() as Array<{ actor_name: string; after: string }>;

beforeEach(async () => {
  api = await startLocationServer({ walker: createSnmpWalker({ timeoutMs: 300, retries: 1 }), switches: { minPollIntervalMs: 0 } });
  sim = await startSimulatedSwitch(layout(1, 2), { community: COMMUNITY, v3User: V3 });
  siteId = (await ok('POST', '/sites', { name: 'HQ', timezone: 'America/Chicago', networks: ['10.0.0.0/8'], extensionRange: { first: 100, last: 199 }, registrar: { host: 'pbx.example.com' } }, 201)).id;
  for (const [i, port] of ['Gi1/0/1', 'Gi1/0/2', 'Gi1/0/3'].entries()) {
    const e164 = `+1312555010${i}`;
    await ok('POST', '/numbers', { e164, region: 'US' }, 201);
    const loc = await ok('POST', '/locations', { siteId, name: `Desk ${port}`, address: ADDRESS, place: { FLR: '4', ROOM: `40${i}` }, callbackNumber: e164 }, 201);
    desks[port] = loc.id;
    await ok('POST', '/network-map', { locationId: loc.id, kind: 'switchPort', chassisId: CHASSIS.toUpperCase().replace(/:/g, '-'), portId: port }, 201);
  }
  for (const mac of [PHONE_A, PHONE_B]) await ok('POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true }, 201);
});
afterEach(async () => {
  await sim.close();
  await api.close();
});

async function addSwitch(snmp: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return ok('POST', '/switches', { name: 'Floor 4', siteId, host: '127.0.0.1', port: sim.port, snmp, ...extra }, 201);
}

describe('switch inventory import', () => {
  it('imports a CSV all or nothing, listing each bad row without its secrets', async () => {
    const bad = ['name,host,version,community,user,authKey', 'A,10.0.0.2,2c,ro-secret-1,,', 'B,not a host!,2c,ro-secret-2,,', 'C,10.0.0.4,3,,poller,short'].join('\n');
    const refused = await api.call('POST', '/switches/import', { csv: bad });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('IMPORT_REJECTED');
    expect(refused.body.error.details.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[3, 'host'], [4, 'snmp.authKey']]);
    expect(JSON.stringify(refused.body)).not.toMatch(/ro-secret|short/);
    expect((await ok('GET', '/switches')).total).toBe(0);
    const good = ['name,host,siteId,version,community,uplinkPorts', `A,10.0.0.2,${siteId},2c,ro-secret-1,Te1/1/1;Te1/1/2`, `B,10.0.0.3,${siteId},2c,ro-secret-2,`].join('\n');
    expect(await ok('POST', '/switches/import', { csv: good }, 201)).toEqual({ imported: 2 });
    const list = await ok('GET', `/switches?siteId=${siteId}`);
    expect(list.items.map((s: { name: string; uplinkPorts: string[] }) => [s.name, s.uplinkPorts]).sort()).toEqual([['A', ['Te1/1/1', 'Te1/1/2']], ['B', []]]);
    expect(JSON.stringify([list, table('audit_events')])).not.toMatch(/ro-secret/);
  });
});

describe('the simulated switch', () => {
  it('answers the real snmpwalk with its bridge, interface and LLDP tables', async () => {
    const walk = async (oid: string) => (await run('snmpwalk', ['-v2c', '-c', COMMUNITY, '-On', '-t', '2', `127.0.0.1:${sim.port}`, oid])).stdout;
    const bridge = await walk('1.3.6.1.2.1.17');
    expect(bridge).toContain(`.${SWITCH_WALK_PLAN.fdbPort}.0.21.101.170.187.1 = INTEGER: 1`);
    expect(bridge).toContain(`.${SWITCH_WALK_PLAN.basePortIfIndex}.2 = INTEGER: 10102`);
    expect(await walk(SWITCH_WALK_PLAN.ifName)).toContain('STRING: "Gi1/0/2"');
    expect(await walk('1.0.8802.1.1.2.1.3')).toContain('Hex-STRING: AA BB CC 00 00 01');
    const v3 = await run('snmpwalk', ['-v3', '-l', 'authPriv', '-u', V3.name, '-a', 'SHA', '-A', V3.authKey, '-x', 'AES', '-X', V3.privKey, '-On', `127.0.0.1:${sim.port}`, SWITCH_WALK_PLAN.basePortIfIndex]);
    expect(v3.stdout).toContain('INTEGER: 10101');
  });
});

describe('polling switches for phone ports', () => {
  it('finds each phone on its port and resolves it to that desk, with SNMP as the source', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    const outcome = await ok('POST', `/switches/${sw.id}/poll`);
    expect(outcome).toMatchObject({ ok: true, error: null, macsSeen: 2, phonesLocated: 2 });
    expect(outcome.moved.sort()).toEqual(['001565aabb01', '001565aabb02']);
    for (const [mac, desk] of [[PHONE_A, 'Gi1/0/1'], [PHONE_B, 'Gi1/0/2']] as const) {
      const status = await ok('GET', `/devices/${mac}/status`);
      expect(status.location).toMatchObject({ id: desks[desk], matchedBy: 'switchPort', locatedBy: { source: 'snmp', origin: sw.id } });
      const evidence = await ok('GET', `/devices/${mac}/location-evidence`);
      expect(evidence.locatedBy).toMatchObject({ source: 'snmp', origin: sw.id });
    }
    const shown = await ok('GET', `/switches/${sw.id}`);
    expect(shown.chassisId).toEqual({ type: 'mac', value: CHASSIS });
    expect(shown.poll).toMatchObject({ error: null, macsSeen: 2, phonesLocated: 2 });
    expect(JSON.stringify(shown)).not.toContain(COMMUNITY);
    expect(JSON.stringify(table('audit_events'))).not.toContain(COMMUNITY);
  });

  it('announces each device a poll moved on the status stream, with its new location and source', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    const { port: httpPort } = api.app.server.address() as { port: number };
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/status/stream`, { headers: { authorization: `Bearer ${api.token}` }, signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    const deviceEvents = async (n: number) => {
      const parsed = () =>
        text
          .split('\n\n')
          .slice(0, -1)
          .filter((block) => block.startsWith('event: device\n'))
          .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)));
      const deadline = Date.now() + 5000;
      while (parsed().length < n && Date.now() < deadline) text += (await reader.read()).value ?? '';
      return parsed();
    };
    try {
      await ok('POST', `/switches/${sw.id}/poll`);
      const placed = await deviceEvents(2);
      expect(placed.map((e: { mac: string }) => e.mac).sort()).toEqual(['001565aabb01', '001565aabb02']);
      expect(placed.find((e: { mac: string }) => e.mac === '001565aabb01').location).toMatchObject({ id: desks['Gi1/0/1'], locatedBy: { source: 'snmp', origin: sw.id } });
      sim.serve(layout(3, 2));
      await ok('POST', `/switches/${sw.id}/poll`);
      const events = await deviceEvents(3);
      expect(events[2]).toMatchObject({ mac: '001565aabb01', location: { id: desks['Gi1/0/3'], matchedBy: 'switchPort' } });
    } finally {
      abort.abort();
    }
  });

  it('polls over SNMPv3 with authentication and privacy', async () => {
    const sw = await addSwitch({ version: '3', user: V3.name, authKey: V3.authKey, privKey: V3.privKey });
    expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: true, phonesLocated: 2 });
    const shown = await ok('GET', `/switches/${sw.id}`);
    expect(shown.snmp).toEqual({ version: '3', user: 'poller', level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' });
    expect(JSON.stringify(shown)).not.toMatch(/authpass|privpass/);
  });

  it('moves a phone when its MAC moves to another port, with one audit event', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    await ok('POST', `/switches/${sw.id}/poll`);
    const before = locationAudits().length;
    sim.serve(layout(3, 2));
    const outcome = await ok('POST', `/switches/${sw.id}/poll`);
    expect(outcome.moved).toEqual(['001565aabb01']);
    expect((await ok('GET', `/devices/${PHONE_A}/status`)).location).toMatchObject({ id: desks['Gi1/0/3'], matchedBy: 'switchPort' });
    const audits = locationAudits();
    expect(audits.length).toBe(before + 1);
    expect(audits.at(-1)?.actor_name).toBe('location evidence');
    expect(JSON.parse(audits.at(-1)!.after)).toMatchObject({ locationId: desks['Gi1/0/3'], locatedBy: { source: 'snmp' } });
    expect((await ok('POST', `/switches/${sw.id}/poll`)).moved).toEqual([]);
    expect(locationAudits().length).toBe(before + 1);
  });

  it('lets the fresher of agent and switch evidence win, in both directions', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    await ok('POST', `/switches/${sw.id}/poll`);
    const { token } = await ok('POST', `/devices/${PHONE_A}/agent-token`);
    const lldp = { chassisId: { type: 'mac', value: CHASSIS }, portId: { type: 'ifname', value: 'Gi1/0/2' } };
    const { port: httpPort } = api.app.server.address() as { port: number };
    const report = await fetch(`http://127.0.0.1:${httpPort}/api/v1/agent/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'r1', at: new Date().toISOString(), network: { lldp } }),
    });
    expect(report.status).toBe(202);
    expect((await ok('GET', `/devices/${PHONE_A}/status`)).location).toMatchObject({ id: desks['Gi1/0/2'], locatedBy: { source: 'agent' } });
    // The switch still sees the phone on Gi1/0/1; its newer sighting now outranks the agent's.
    expect((await ok('POST', `/switches/${sw.id}/poll`)).moved).toEqual(['001565aabb01']);
    expect((await ok('GET', `/devices/${PHONE_A}/status`)).location).toMatchObject({ id: desks['Gi1/0/1'], locatedBy: { source: 'snmp' } });
  });

  it('alerts while a phone sits on a port the map does not place, until that port is mapped', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    await ok('POST', `/switches/${sw.id}/poll`);
    sim.serve(layout(4, 2));
    expect((await ok('POST', `/switches/${sw.id}/poll`)).moved).toEqual(['001565aabb01']);
    const codes = async () => (await ok('GET', `/devices/${PHONE_A}/status`)).alerts.map((a: { code: string }) => a.code);
    expect(await codes()).toContain('PORT_UNMAPPED');
    expect((await ok('GET', '/alerts')).items).toEqual([
      expect.objectContaining({ source: 'device', mac: '001565aabb01', alerts: expect.arrayContaining([expect.objectContaining({ code: 'PORT_UNMAPPED' })]) }),
    ]);
    await ok('POST', '/numbers', { e164: '+13125550109', region: 'US' }, 201);
    const desk4 = await ok('POST', '/locations', { siteId, name: 'Desk Gi1/0/4', address: ADDRESS, place: { FLR: '4', ROOM: '409' }, callbackNumber: '+13125550109' }, 201);
    await ok('POST', '/network-map', { locationId: desk4.id, kind: 'switchPort', chassisId: CHASSIS, portId: 'Gi1/0/4' }, 201);
    expect(await codes()).not.toContain('PORT_UNMAPPED');
    expect((await ok('GET', `/devices/${PHONE_A}/status`)).location).toMatchObject({ id: desk4.id, matchedBy: 'switchPort' });
  });

  it('ignores an uplink port with 50 MACs, even when a phone MAC is among them', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY });
    sim.serve(walkOf({ chassisMac: CHASSIS, ports: [port(1, [PHONE_A]), port(48, [PHONE_B, ...manyMacs(49, 7)])] }));
    const outcome = await ok('POST', `/switches/${sw.id}/poll`);
    expect(outcome).toMatchObject({ ok: true, macsSeen: 1, phonesLocated: 1 });
    expect((await ok('GET', `/switches/${sw.id}`)).poll.uplinks).toEqual([{ portId: 'Gi1/0/48', reason: 'macCount', macs: 50 }]);
    const b = await ok('GET', `/devices/${PHONE_B}/location-evidence`);
    expect(b.pieces).toEqual([]);
    expect(b.resolution.matchedBy).not.toBe('switchPort');
  });

  it('skips ports marked as uplinks and ports whose LLDP neighbour is a bridge', async () => {
    const sw = await addSwitch({ version: '2c', community: COMMUNITY }, { uplinkPorts: ['Gi1/0/2'] });
    sim.serve(walkOf({ chassisMac: CHASSIS, ports: [port(1, [PHONE_A], { neighbour: { chassisMac: 'aa:bb:cc:00:00:99', portId: 'Gi0/1', sysName: 'core', caps: ['bridge'] } }), port(2, [PHONE_B])] }));
    expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: true, phonesLocated: 0 });
    expect((await ok('GET', `/switches/${sw.id}`)).poll.uplinks.map((u: { reason: string }) => u.reason)).toEqual(['lldpBridge', 'marked']);
  });
});

describe('switches that do not answer or refuse us', () => {
  let silent: Socket | undefined;
  afterEach(() => {
    silent?.close();
    silent = undefined;
  });


  async function expectAlertOnly(snmp: Record<string, unknown>, code: string, target?: number) {
    const good = await addSwitch({ version: '2c', community: COMMUNITY }, { name: 'good' });
    await ok('POST', `/switches/${good.id}/poll`);
    const before = { sightings: table('switch_sightings'), states: table('e911_device_state'), devices: table('devices'), good: table('switches') };
    // A second inventory entry for the same simulated switch needs another address: [::ffff:127.0.0.1] is refused, so use a host name.
    const bad = await ok('POST', '/switches', { name: 'bad', siteId, host: 'localhost', port: target ?? sim.port, snmp }, 201);
    const outcome = await ok('POST', `/switches/${bad.id}/poll`);
    expect(outcome).toMatchObject({ ok: false, error: { code } });
    expect(JSON.stringify([outcome, table('audit_events')])).not.toMatch(/wrong-community|wrong-authpass|authpass-1|privpass-1/);
    const alerts = (await ok('GET', '/switch-alerts')).items;
    expect(alerts).toEqual([expect.objectContaining({ switchId: bad.id, code })]);
    expect(table('switch_sightings')).toEqual(before.sightings);
    expect(table('e911_device_state')).toEqual(before.states);
    expect(table('devices')).toEqual(before.devices);
    return bad;
  }

  it('raises an alert for a wrong v2c community and changes nothing else', async () => {
    await expectAlertOnly({ version: '2c', community: 'wrong-community' }, 'SWITCH_TIMEOUT');
  });

  it('raises an alert for a v3 authentication failure and changes nothing else', async () => {
    await expectAlertOnly({ version: '3', user: V3.name, authKey: 'wrong-authpass', privKey: V3.privKey }, 'SWITCH_TIMEOUT');
  });

  it('raises an alert for an unknown v3 user', async () => {
    await expectAlertOnly({ version: '3', user: 'nobody', authKey: V3.authKey, privKey: V3.privKey }, 'SWITCH_AUTH_FAILED');
  });

  it('raises an alert for a switch that never answers, and clears it once the switch answers', async () => {
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent!.bind(0, '127.0.0.1', resolve));
    const started = Date.now();
    const bad = await expectAlertOnly({ version: '2c', community: COMMUNITY }, 'SWITCH_TIMEOUT', silent.address().port);
    // timeoutMs 300 with one retry: the poll gives up after about 600 ms, not the default 4 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    await ok('PATCH', `/switches/${bad.id}`, { port: sim.port });
    expect(await ok('POST', `/switches/${bad.id}/poll`)).toMatchObject({ ok: true });
    expect((await ok('GET', '/switch-alerts')).items).toEqual([]);
  });

  it('lists an unanswering switch among the alerts of /alerts and counts it in /status, until it answers', async () => {
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent!.bind(0, '127.0.0.1', resolve));
    const sw = await addSwitch({ version: '2c', community: COMMUNITY }, { port: silent.address().port });
    expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: false, error: { code: 'SWITCH_TIMEOUT' } });
    const switchItems = async (query = '') => ((await ok('GET', `/alerts${query}`)).items as Array<{ source: string }>).filter((i) => i.source === 'switch');
    const listed = await switchItems();
    expect(listed).toEqual([
      {
        source: 'switch',
        switchId: sw.id,
        name: 'Floor 4',
        siteId,
        since: expect.any(String),
        alerts: [{ code: 'SWITCH_TIMEOUT', severity: 'alert', message: expect.stringMatching(/answer/) }],
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(COMMUNITY);
    expect(await switchItems(`?siteId=${siteId}`)).toHaveLength(1);
    expect(await switchItems('?siteId=another-site')).toEqual([]);
    expect((await ok('GET', '/status')).switchAlerts).toBe(1);
    // The device items keep their shape beside it.
    for (const item of (await ok('GET', '/alerts')).items as Array<{ source: string; mac?: string }>) {
      if (item.source === 'device') expect(item.mac).toMatch(/^[0-9a-f]{12}$/);
    }

    await ok('PATCH', `/switches/${sw.id}`, { port: sim.port });
    expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: true });
    expect(await switchItems()).toEqual([]);
    expect((await ok('GET', '/status')).switchAlerts).toBe(0);
  });

  it('announces a switch alert on the status stream when a poll raises it and when one clears it', async () => {
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent!.bind(0, '127.0.0.1', resolve));
    const sw = await addSwitch({ version: '2c', community: COMMUNITY }, { port: silent.address().port });
    const { port: httpPort } = api.app.server.address() as { port: number };
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/status/stream`, { headers: { authorization: `Bearer ${api.token}` }, signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    /** The data of every complete `event: switch` block received so far, reading until there are `n`. */
    const switchEvents = async (n: number) => {
      const parsed = () =>
        text
          .split('\n\n')
          .slice(0, -1)
          .filter((block) => block.startsWith('event: switch\n'))
          .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)));
      const deadline = Date.now() + 5000;
      while (parsed().length < n && Date.now() < deadline) text += (await reader.read()).value ?? '';
      return parsed();
    };
    try {
      await ok('POST', `/switches/${sw.id}/poll`);
      const [raised] = await switchEvents(1);
      expect(raised).toMatchObject({ source: 'switch', switchId: sw.id, siteId, alerts: [{ code: 'SWITCH_TIMEOUT', severity: 'alert' }] });
      expect(JSON.stringify(raised)).not.toContain(COMMUNITY);
      await ok('PATCH', `/switches/${sw.id}`, { port: sim.port });
      await ok('POST', `/switches/${sw.id}/poll`);
      const events = await switchEvents(2);
      expect(events[1]).toEqual({ source: 'switch', switchId: sw.id, name: 'Floor 4', siteId, since: null, alerts: [] });
      // A further good poll changes no alert, so it announces nothing: the next event is the next failure.
      await ok('POST', `/switches/${sw.id}/poll`);
      await ok('PATCH', `/switches/${sw.id}`, { port: silent.address().port });
      await ok('POST', `/switches/${sw.id}/poll`);
      expect((await switchEvents(3)).map((e: { alerts: Array<{ code: string }> }) => e.alerts.map((a) => a.code))).toEqual([['SWITCH_TIMEOUT'], [], ['SWITCH_TIMEOUT']]);
    } finally {
      abort.abort();
    }
  });

  it('lists an authentication failure in /alerts with its own code', async () => {
    const sw = await addSwitch({ version: '3', user: 'nobody', authKey: V3.authKey, privKey: V3.privKey });
    expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: false, error: { code: 'SWITCH_AUTH_FAILED' } });
    const items = (await ok('GET', '/alerts')).items as Array<{ source: string; switchId?: string; alerts: Array<{ code: string }> }>;
    expect(items.filter((i) => i.source === 'switch').map((i) => [i.switchId, i.alerts.map((a) => a.code)])).toEqual([[sw.id, ['SWITCH_AUTH_FAILED']]]);
    expect(JSON.stringify(items)).not.toMatch(/authpass|privpass/);
  });
});

describe('garbage from a switch', () => {
  it('survives wrong value types and a table far larger than the row cap', async () => {
    const limited = await startLocationServer({ walker: createSnmpWalker({ timeoutMs: 500, retries: 1, maxRowsPerTable: 300, maxRepetitions: 50 }), switches: { minPollIntervalMs: 0 } });
    try {
      const site = (await limited.call('POST', '/sites', { name: 'HQ', timezone: 'UTC', networks: ['10.0.0.0/8'], extensionRange: { first: 100, last: 199 }, registrar: { host: 'pbx.example.com' } })).body;
      expect((await limited.call('POST', '/devices', { mac: PHONE_A, model: 'yealink/t54w', siteId: site.id, standalone: true })).status).toBe(201);
      const good = layout(1, 2);
      const garbled = {
        ...good,
        // ifName as integers, bridge ports as strings, a chassis id of the wrong length.
        ifName: good.ifName!.map((vb) => ({ ...vb, value: 7 })),
        basePortIfIndex: good.basePortIfIndex!.map((vb) => ({ ...vb, value: Buffer.from('x') })),
        lldpLocChassisId: [{ oid: `${SWITCH_WALK_PLAN.lldpLocChassisId}.0`, value: Buffer.from([1, 2, 3]) }],
        // 2000 learned MACs on one port, beyond the 300-row cap.
        fdbPort: [...good.fdbPort!, ...manyMacs(2000, 9).map((m) => ({ oid: `${SWITCH_WALK_PLAN.fdbPort}.${m.split(':').map((h) => parseInt(h, 16)).join('.')}`, value: 9 }))],
      };
      sim.serve(garbled);
      const sw = (await limited.call('POST', '/switches', { name: 'odd', host: '127.0.0.1', port: sim.port, snmp: { version: '2c', community: COMMUNITY } })).body;
      const started = Date.now();
      const outcome = (await limited.call('POST', `/switches/${sw.id}/poll`)).body;
      expect(outcome.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(15_000);
      const shown = (await limited.call('GET', `/switches/${sw.id}`)).body;
      // The bridge MAC stands in for the unusable LLDP chassis id; port ids fall back to bridge port numbers.
      expect(shown.chassisId).toEqual({ type: 'mac', value: CHASSIS });
      const evidence = (await limited.call('GET', `/devices/${PHONE_A}/location-evidence`)).body;
      expect(evidence.pieces).toEqual([expect.objectContaining({ source: 'snmp', network: { lldp: { chassisId: { type: 'mac', value: CHASSIS }, portId: { type: 'ifname', value: '1' } } } })]);
    } finally {
      await limited.close();
    }
  });

  it('turns undecodable or truncated UDP answers into an alert, not a crash', async () => {
    const liar = createSocket('udp4');
    let answers = 0;
    liar.on('message', (msg, rinfo) => {
      answers += 1;
      // Half of the request echoed back: a BER SEQUENCE whose length runs past the datagram.
      const reply = answers % 2 === 0 ? msg.subarray(0, Math.floor(msg.length / 2)) : Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02, 0x01]);
      liar.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => liar.bind(0, '127.0.0.1', resolve));
    try {
      const sw = await ok('POST', '/switches', { name: 'liar', host: '127.0.0.1', port: liar.address().port, snmp: { version: '2c', community: COMMUNITY } }, 201);
      const outcome = await ok('POST', `/switches/${sw.id}/poll`);
      expect(outcome.ok).toBe(false);
      expect(['SWITCH_TIMEOUT', 'SWITCH_BAD_RESPONSE']).toContain(outcome.error.code);
      expect(answers).toBeGreaterThan(0);
      expect((await ok('GET', '/switch-alerts')).items).toHaveLength(1);
    } finally {
      liar.close();
    }
  });
});

describe('the switches CLI', () => {
  it('adds a switch with the community from the environment, polls it and lists it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const base = (api.app.server.address() as { port: number }).port;
    const env = { DESKPROV_SERVER: `http://127.0.0.1:${base}/`, DESKPROV_TOKEN: api.token, DESKPROV_SNMP_COMMUNITY: COMMUNITY };
    const cli = async (...args: string[]) => {
      out.length = 0;
      const code = await runCli(['node', 'deskprov', ...args, '--json'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false, env });
      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      return JSON.parse(out.join(''));
    };
    const sw = await cli('switches', 'add', 'Floor 4', '--host', '127.0.0.1', '--port', String(sim.port), '--site', siteId, '--uplink', 'Gi1/0/48');
    expect(sw.snmp).toEqual({ version: '2c' });
    expect(await cli('switches', 'poll', sw.id)).toMatchObject({ ok: true, phonesLocated: 2 });
    expect((await cli('switches', 'list', '--site', siteId)).items.map((s: { id: string }) => s.id)).toEqual([sw.id]);
  });
});
