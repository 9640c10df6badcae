import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLldpNeighbors } from '../../agent/lldp-neighbors.ts';
import { civicOf, parseCivicAddress } from '../../server/domain/civic-address.ts';
import { deviceAlerts } from '../../server/domain/e911-alerts.ts';
import type { AgentReport } from '../../server/domain/e911-evidence.ts';
import { resolutionChanged, resolveLocation } from '../../server/domain/e911-resolution.ts';
import { normaliseNetworkMapEntry, type NetworkMapEntry } from '../../server/domain/network-map.ts';
import { netnsSupport } from '../helpers/netns.ts';
import { createLldpLab, type LldpLab } from '../helpers/netns-lldp.ts';

/**
 * Real lldpd on both sides: a "switch" namespace announces its chassis, port ids and an LLDP-MED
 * civic location per port; the agent runs inside the "phone" namespace and prints the report it
 * would send. The phone is then re-patched to another port, as when a desk moves.
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

const address = parseCivicAddress({ country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker Dr', HNO: '233', PC: '60606' });
const LOCATIONS = {
  'desk-41-02': civicOf(address, { FLR: '41', ROOM: '4102' }),
  'desk-41-03': civicOf(address, { FLR: '41', ROOM: '4103' }),
  'floor-41': civicOf(address, { FLR: '41' }),
};
const MAP: NetworkMapEntry[] = [
  { locationId: 'desk-41-02', kind: 'switchPort', chassisId: 'sw-chassis-0001', portId: 'Gi1/0/1' },
  { locationId: 'desk-41-03', kind: 'switchPort', chassisId: 'sw-chassis-0001', portId: 'Gi1/0/2' },
  { locationId: 'floor-41', kind: 'subnet', cidr: '10.231.1.0/24' },
].map((input, i) => ({ id: `e${i}`, ...normaliseNetworkMapEntry(input as Parameters<typeof normaliseNetworkMapEntry>[0]) }));
const DEVICE = { assignedLocationId: null, siteDefaultLocationId: null };

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
    BIN, '--print', '--interface', 'eth0', '--lldp-socket', lldp.phoneSocket, '--mac', '00:15:65:aa:bb:cc', '--log', 'warn',
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
  lldp = await createLldpLab({ switchConfig: SWITCH_CONFIG });
  await until('the switch on Gi1/0/1', async () => ((await seenPorts()).includes('Gi1/0/1') ? true : null), 20_000);
}, 40_000);

afterAll(async () => {
  await lldp?.destroy();
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

  it('resolves the report to the switch port location, and the switch agrees with the map', () => {
    const r = resolveLocation(first.network, MAP, DEVICE);
    expect([r.locationId, r.matchedBy]).toEqual(['desk-41-02', 'switchPort']);
    const alerts = deviceAlerts({
      sipRegistered: true, resolution: r, location: { name: 'Desk 41-02', status: 'registered', civic: LOCATIONS['desk-41-02'] },
      lastEvidenceAt: first.at, now: new Date(first.at), staleAfterMs: 180_000, medLocation: first.network?.lldp?.medLocation,
    });
    expect(alerts).toEqual([]);
  });

  it('warns when the map puts that port somewhere the switch does not', () => {
    const r = resolveLocation(first.network, MAP, DEVICE);
    const alerts = deviceAlerts({
      sipRegistered: true, resolution: r, location: { name: 'Desk 41-03', status: 'registered', civic: LOCATIONS['desk-41-03'] },
      lastEvidenceAt: first.at, now: new Date(first.at), staleAfterMs: 180_000, medLocation: first.network?.lldp?.medLocation,
    });
    expect(alerts.map((a) => a.code)).toEqual(['LLDP_MED_MISMATCH']);
  });

  it('follows a re-patch to another port without carrier loss, ignoring the old port lldpd still lists', async () => {
    const before = resolveLocation(first.network, MAP, DEVICE);
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
    const after = resolveLocation(moved.network, MAP, DEVICE);
    expect([after.locationId, after.matchedBy]).toEqual(['desk-41-03', 'switchPort']);
    expect(resolutionChanged(before, after)).toBe(true);
    console.log(`lldp e2e: re-patch seen by lldpd after ${seenMs} ms (listed ports then: ${ports.join(', ')})`);
  }, 40_000);

  it('follows an unplug and replug into the first port', async () => {
    await lldp.patchTo(1, { carrierLoss: true });
    await until('only Gi1/0/1 listed', async () => {
      const p = await seenPorts();
      return p.length === 1 && p[0] === 'Gi1/0/1' ? true : null;
    }, 15_000);
    const back = await agentReport();
    expect(resolveLocation(back.network, MAP, DEVICE).locationId).toBe('desk-41-02');
  }, 40_000);
});
