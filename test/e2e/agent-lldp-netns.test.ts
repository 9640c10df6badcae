import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLldpNeighbors } from '../../agent/lldp-neighbors.ts';
import type { AgentReport } from '../../server/domain/e911-evidence.ts';
import { startApiServer, type ApiServer } from '../integration/helpers/api-server.ts';
import { createSite } from '../integration/helpers/fixtures.ts';
import { netnsSupport } from '../helpers/netns.ts';
import { createLldpLab, type LldpLab } from '../helpers/netns-lldp.ts';

/**
 * Real lldpd on both sides: a "switch" namespace announces its chassis, port ids and an LLDP-MED
 * civic location per port; the agent runs inside the "phone" namespace and prints the report it
 * would send, which the test hands, unchanged and with the device's token, to the real server
 * (listening on 127.0.0.1 outside the namespaces). The phone is then re-patched to another port,
 * as when a desk moves: the server resolves the new desk and audits the move.
 */

const BIN = fileURLToPath(new URL('../../bin/deskprov-agent.mjs', import.meta.url));

const support = netnsSupport();
if (!support.ok) throw new Error(`LLDP e2e needs network namespaces: ${support.reason}`);

const MED = 'med location address country US language en_US street "Wacker Dr" number 233 city Chicago zip 60606 floor 41';
const SWITCH_CONFIG = [
  'configure system hostname test-switch-1',
  'configure system chassisid sw-chassis-0001',
  'configure ports swp1 lldp portidsubtype local Gi1/0/1',
  'configure ports swp1 lldp portdescription "Desk 41-02"',
  'configure ports swp2 lldp portidsubtype local Gi1/0/2',
  'configure ports swp2 lldp portdescription "Desk 41-03"',
  `configure ports swp1 ${MED} room 4102`,
  `configure ports swp2 ${MED} room 4103`,
];

const ADDRESS = { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker Dr', HNO: '233', PC: '60606' };
const MAC = '00:15:65:aa:bb:cc';
const ids: Record<'desk2' | 'desk3' | 'wrong', string> = { desk2: '', desk3: '', wrong: '' };
let api: ApiServer;
let deviceToken: string;

async function ok(method: string, path: string, body?: unknown): Promise<any> {
  const res = await api.call(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** The server side: locations for two desks, their switch ports, and the phone with its agent token. */
async function setUpServer(): Promise<void> {
  api = await startApiServer();
  const { id: siteId } = await createSite(api);
  for (const e164 of ['+13125550100', '+13125550101', '+13125550102']) await ok('POST', '/numbers', { e164, region: 'US' });
  const loc = async (name: string, callbackNumber: string, place: Record<string, string>) =>
    (await ok('POST', '/locations', { siteId, name, address: ADDRESS, place, callbackNumber })).id as string;
  ids.desk2 = await loc('Desk 41-02', '+13125550100', { FLR: '41', ROOM: '4102' });
  ids.desk3 = await loc('Desk 41-03', '+13125550101', { FLR: '41', ROOM: '4103' });
  await ok('POST', '/network-map', { locationId: ids.desk2, kind: 'switchPort', chassisId: 'sw-chassis-0001', portId: 'Gi1/0/1' });
  await ok('POST', '/network-map', { locationId: ids.desk3, kind: 'switchPort', chassisId: 'sw-chassis-0001', portId: 'Gi1/0/2' });
  await ok('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId, standalone: true });
  deviceToken = (await ok('POST', `/devices/${MAC}/agent-token`)).token;
}

/** Posts the agent's report, as printed, with the device token. */
async function deliver(report: AgentReport): Promise<void> {
  const res = await api.call('POST', '/agent/reports', report, { token: deviceToken });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

const moves = () =>
  (api.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'device.location'").get() as { n: number }).n;

let lldp: LldpLab;

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await probe();
    if (got !== null) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Runs the real agent inside the phone namespace with --print and returns its report. */
async function agentReport(): Promise<AgentReport> {
  const r = await lldp.lab.exec(lldp.phoneNs, process.execPath, [
    BIN, '--print', '--interface', 'eth0', '--lldp-socket', lldp.phoneSocket, '--mac', MAC, '--log', 'warn',
  ], { timeoutMs: 20_000 });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AgentReport;
}

/** Switch port ids lldpd on the phone lists, in its order. */
function portsIn(json: string): string[] {
  try {
    const doc = JSON.parse(json) as { lldp: Array<{ interface?: Array<{ port: Array<{ id: Array<{ value: string }> }> }> }> };
    return (doc.lldp[0]?.interface ?? []).map((i) => i.port[0]?.id[0]?.value ?? '');
  } catch {
    return [];
  }
}

const seenPorts = async () => portsIn(await lldp.neighborsJson());

beforeAll(async () => {
  await setUpServer();
  lldp = await createLldpLab({ switchConfig: SWITCH_CONFIG });
  await until('the switch on Gi1/0/1', async () => ((await seenPorts()).includes('Gi1/0/1') ? true : null), 20_000);
}, 40_000);

afterAll(async () => {
  await lldp?.destroy();
  await api?.close();
});

describe('agent with real lldpd in network namespaces', () => {
  let first: AgentReport;

  it('reports the switch chassis, port, LLDP-MED civic location and its address', async () => {
    first = await agentReport();
    expect(first.mac).toBe('001565aabbcc');
    expect(first.network?.ip).toBe(lldp.phoneIp);
    expect(first.network?.lldp).toEqual({
      chassisId: { type: 'local', value: 'sw-chassis-0001' },
      portId: { type: 'local', value: 'Gi1/0/1' },
      sysName: 'test-switch-1',
      portDescription: 'Desk 41-02',
      medLocation: {
        format: 'civic',
        civic: { country: 'US', A3: 'Chicago', A6: 'Wacker Dr', HNO: '233', PC: '60606', FLR: '41', ROOM: '4102' },
      },
    });
  }, 30_000);

  it('is resolved by the server to the switch port location, and the switch agrees with the map', async () => {
    await deliver(first);
    const status = await ok('GET', `/devices/${MAC}/status`);
    expect(status.location).toMatchObject({ id: ids.desk2, name: 'Desk 41-02', matchedBy: 'switchPort', unresolved: false });
    expect(status.alerts).toEqual([]);
    expect(moves()).toBe(1);
  });

  it('makes the server warn when the map puts that port somewhere the switch does not', async () => {
    const wrong = await ok('POST', '/locations', {
      siteId: (await ok('GET', `/locations/${ids.desk2}`)).siteId, name: 'Desk 12-01', address: ADDRESS,
      place: { FLR: '12', ROOM: '1201' }, callbackNumber: '+13125550102',
    });
    ids.wrong = wrong.id;
    await ok('PUT', `/devices/${MAC}/location`, { locationId: ids.wrong });
    // The same switch announcement from a port the map does not know: the assignment places it.
    const unmapped: AgentReport = {
      ...first,
      id: `${first.id}-unmapped`,
      at: new Date(Date.parse(first.at) + 1).toISOString(),
      network: { ...first.network, lldp: { ...first.network!.lldp!, portId: { type: 'local', value: 'Gi9/9/9' } } },
    };
    await deliver(unmapped);
    const status = await ok('GET', `/devices/${MAC}/status`);
    expect(status.location).toMatchObject({ id: ids.wrong, matchedBy: 'assigned' });
    // The switch's civic address disagrees with the assigned location (a warning), and the port
    // is unmapped on a switch whose other ports are mapped (a moved desk: an alert).
    expect(status.alerts.map((a: { code: string }) => a.code)).toEqual(['LLDP_MED_MISMATCH', 'PORT_UNMAPPED']);
    await ok('PUT', `/devices/${MAC}/location`, { locationId: null });
  });

  it('follows a re-patch to another port without carrier loss, ignoring the old port lldpd still lists', async () => {
    const movesBefore = moves();
    const started = Date.now();
    await lldp.patchTo(2);
    const raw = await until('Gi1/0/2 to appear', async () => {
      const json = await lldp.neighborsJson();
      return portsIn(json).includes('Gi1/0/2') ? json : null;
    }, 15_000);
    const seenMs = Date.now() - started;
    const ports = portsIn(raw);
    // While the old neighbour's TTL runs lldpd lists both, the old one first; the newest wins.
    const parsed = parseLldpNeighbors(raw);
    expect(parsed.map((n) => n.portId.value)).toEqual(['Gi1/0/2']);
    const moved = await agentReport();
    expect(moved.network?.lldp?.portId.value).toBe('Gi1/0/2');
    expect(moved.network?.lldp?.medLocation).toMatchObject({ civic: { ROOM: '4103' } });
    await deliver(moved);
    const status = await ok('GET', `/devices/${MAC}/status`);
    expect(status.location).toMatchObject({ id: ids.desk3, matchedBy: 'switchPort' });
    expect(status.alerts).toEqual([]);
    expect(moves()).toBe(movesBefore + 1);
    console.log(`lldp e2e: re-patch seen by lldpd after ${seenMs} ms (listed ports then: ${ports.join(', ')})`);
  }, 40_000);

  it('follows an unplug and replug into the first port', async () => {
    await lldp.patchTo(1, { carrierLoss: true });
    await until('only Gi1/0/1 listed', async () => {
      const p = await seenPorts();
      return p.length === 1 && p[0] === 'Gi1/0/1' ? true : null;
    }, 15_000);
    await deliver(await agentReport());
    expect((await ok('GET', `/devices/${MAC}/status`)).location).toMatchObject({ id: ids.desk2, matchedBy: 'switchPort' });
  }, 40_000);
});
