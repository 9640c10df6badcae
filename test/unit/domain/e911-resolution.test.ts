import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { NetworkEvidence } from '../../../server/domain/e911-evidence.ts';
import { compileNetworkMap, resolveLocation, resolutionChanged, type DeviceLocationFallbacks } from '../../../server/domain/e911-resolution.ts';
import {
  normaliseNetworkMapEntry,
  type NetworkMapEntry,
  type NetworkMapInput,
} from '../../../server/domain/network-map.ts';

let next = 0;
function entry(input: NetworkMapInput): NetworkMapEntry {
  next += 1;
  return { id: `e${next}`, ...normaliseNetworkMapEntry(input) };
}

const MAP: NetworkMapEntry[] = [
  entry({ locationId: 'ap-exact', kind: 'bssid', bssid: '00-1A-2B-3C-4D-5E' }),
  entry({ locationId: 'ap-wild1', kind: 'bssid', bssid: '00:1a:2b:3c:4e:6*' }),
  entry({ locationId: 'ap-wild2', kind: 'bssid', bssid: '00:1a:2b:3c:4f:**' }),
  entry({ locationId: 'desk-41-02', kind: 'switchPort', chassisId: '00:00:5E:00:53:01', portId: 'Gi1/0/1' }),
  entry({ locationId: 'floor-41', kind: 'switch', chassisId: '0000.5e00.5301' }),
  entry({ locationId: 'local-switch', kind: 'switch', chassisId: 'sw-chassis-0001', chassisIdType: 'local' }),
  entry({ locationId: 'campus', kind: 'subnet', cidr: '10.0.0.0/8' }),
  entry({ locationId: 'building', kind: 'subnet', cidr: '10.20.0.0/16' }),
  entry({ locationId: 'wing', kind: 'subnet', cidr: '10.20.30.0/24' }),
  entry({ locationId: 'v6-site', kind: 'subnet', cidr: '2001:db8::/32' }),
  entry({ locationId: 'v6-floor', kind: 'subnet', cidr: '2001:db8:41::/48' }),
];

const lldp = (chassis: string, port: string, type = 'mac') => ({
  chassisId: { type, value: chassis },
  portId: { type: 'ifname', value: port },
});

const NONE: DeviceLocationFallbacks = { assignedLocationId: null, siteDefaultLocationId: null };
const FALLBACKS: DeviceLocationFallbacks = { assignedLocationId: 'assigned-desk', siteDefaultLocationId: 'site-default' };

const cases: Array<{ title: string; evidence: NetworkEvidence | undefined; device?: DeviceLocationFallbacks; want: [string | null, string | null, boolean] }> = [
  { title: 'an exact BSSID wins over everything else', evidence: { bssid: '00:1A:2B:3C:4D:5E', lldp: lldp('00:00:5e:00:53:01', 'Gi1/0/1'), ip: '10.20.30.4/24' }, want: ['ap-exact', 'bssid', false] },
  { title: 'a BSSID inside a one-digit wildcard matches it', evidence: { bssid: '00-1a-2b-3c-4e-6f' }, want: ['ap-wild1', 'bssid', false] },
  { title: 'a BSSID inside a two-digit wildcard matches it', evidence: { bssid: '001a2b3c4fa0' }, want: ['ap-wild2', 'bssid', false] },
  { title: 'a BSSID just outside a wildcard falls through to the subnet', evidence: { bssid: '00:1a:2b:3c:4e:70', ip: '10.1.2.3/16' }, want: ['campus', 'subnet', false] },
  { title: 'chassis and port beat the chassis alone', evidence: { lldp: lldp('00:00:5E:00:53:01', 'Gi1/0/1'), ip: '10.20.30.4/24' }, want: ['desk-41-02', 'switchPort', false] },
  { title: 'an unknown port on a known chassis matches the switch', evidence: { lldp: lldp('00-00-5e-00-53-01', 'Gi1/0/9'), ip: '10.20.30.4/24' }, want: ['floor-41', 'switch', false] },
  { title: 'a locally assigned chassis id matches exactly as sent', evidence: { lldp: lldp('sw-chassis-0001', 'Gi1/0/1', 'local') }, want: ['local-switch', 'switch', false] },
  { title: 'a chassis sent as a local MAC string still matches the MAC entry', evidence: { lldp: lldp('00005e005301', 'x', 'local') }, want: ['floor-41', 'switch', false] },
  { title: 'an unknown switch falls through to the subnet', evidence: { lldp: lldp('00:00:5e:00:53:99', 'Gi1/0/1'), ip: '10.20.1.1/16' }, want: ['building', 'subnet', false] },
  { title: 'overlapping subnets resolve to the longest prefix', evidence: { ip: '10.20.30.40/24' }, want: ['wing', 'subnet', false] },
  { title: 'the shorter subnet catches addresses outside the longer one', evidence: { ip: '10.99.0.1/8' }, want: ['campus', 'subnet', false] },
  { title: 'IPv6 addresses match the longest IPv6 subnet', evidence: { ip: '2001:db8:41::1234/64' }, want: ['v6-floor', 'subnet', false] },
  { title: 'IPv6 addresses outside the floor match the site network', evidence: { ip: '2001:db8:ffff::1/64' }, want: ['v6-site', 'subnet', false] },
  { title: 'an IPv4-mapped IPv6 address matches the IPv4 subnet', evidence: { ip: '::ffff:10.20.30.5' }, want: ['wing', 'subnet', false] },
  { title: 'an address in no subnet uses the assigned location', evidence: { ip: '192.0.2.7/24' }, device: FALLBACKS, want: ['assigned-desk', 'assigned', false] },
  { title: 'no evidence at all uses the assigned location', evidence: undefined, device: FALLBACKS, want: ['assigned-desk', 'assigned', false] },
  { title: 'without assignment the site default is used and flagged unresolved', evidence: { ip: '192.0.2.7/24' }, device: { assignedLocationId: null, siteDefaultLocationId: 'site-default' }, want: ['site-default', 'siteDefault', true] },
  { title: 'with nothing at all the device is unresolved with no location', evidence: { ip: 'not-an-ip' }, want: [null, null, true] },
];

describe('resolveLocation', () => {
  it.each(cases)('$title', ({ evidence, device, want }) => {
    const r = resolveLocation(evidence, MAP, device ?? NONE);
    expect([r.locationId, r.matchedBy, r.unresolved]).toEqual(want);
  });

  it.each(cases)('gives the same answer from a compiled map: $title', ({ evidence, device, want }) => {
    const r = resolveLocation(evidence, compileNetworkMap(MAP), device ?? NONE);
    expect([r.locationId, r.matchedBy, r.unresolved]).toEqual(want);
    expect(r).toEqual(resolveLocation(evidence, MAP, device ?? NONE));
  });

  it('names the network map entry that matched', () => {
    const r = resolveLocation({ ip: '10.20.30.1/24' }, MAP, NONE);
    expect(MAP.find((e) => e.id === r.entryId)?.locationId).toBe('wing');
  });

  it('prefers an exact BSSID entry over a wildcard that also covers it', () => {
    const map = [
      entry({ locationId: 'wild', kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:**' }),
      entry({ locationId: 'exact', kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:01' }),
    ];
    expect(resolveLocation({ bssid: 'AA:BB:CC:DD:EE:01' }, map, NONE).locationId).toBe('exact');
  });
});

describe('resolutionChanged', () => {
  const a = resolveLocation({ ip: '10.20.30.1/24' }, MAP, NONE);
  it('treats the first resolution as a change', () => {
    expect(resolutionChanged(null, a)).toBe(true);
  });
  it('sees no change when location and method stay the same', () => {
    expect(resolutionChanged(a, resolveLocation({ ip: '10.20.30.9/24' }, MAP, NONE))).toBe(false);
  });
  it('sees a change when the phone moves to another port', () => {
    const b = resolveLocation({ lldp: lldp('00:00:5e:00:53:01', 'Gi1/0/1') }, MAP, NONE);
    const c = resolveLocation({ lldp: lldp('00:00:5e:00:53:01', 'Gi1/0/2') }, MAP, NONE);
    expect(resolutionChanged(b, c)).toBe(true);
  });
});

/** Small pools so that generated maps and evidence often collide (same chassis, nested subnets). */
const CHASSIS = ['00:00:5e:00:53:01', '00-00-5E-00-53-02', '0000.5e00.5303', 'sw-local-1'];
const PORTS = ['Gi1/0/1', 'Gi1/0/2', '1', 'ge-0/0/3'];
const BSSIDS = ['00:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5*', '00:1a:2b:3c:4d:**', '00:1a:2b:3c:4e:01'];

const v4 = fc.tuple(fc.constantFrom(10, 172, 192), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map((b) => b.join('.'));
const v6 = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 65535 })).map(([a, b, c]) => `2001:db8:${a}:${b}::${c.toString(16)}`);
const v4Cidr = fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${ipaddr.IPv4.networkAddressFromCIDR(`${a}/${p}`).toString()}/${p}`);
const v6Cidr = fc.tuple(v6, fc.constantFrom(0, 32, 40, 48, 56, 64, 128)).map(([a, p]) => `${ipaddr.IPv6.networkAddressFromCIDR(`${a}/${p}`).toString()}/${p}`);

const mapEntry = fc.oneof(
  fc.record({ kind: fc.constant('bssid' as const), bssid: fc.constantFrom(...BSSIDS) }),
  fc.record({ kind: fc.constant('switchPort' as const), chassisId: fc.constantFrom(...CHASSIS), portId: fc.constantFrom(...PORTS) }),
  fc.record({ kind: fc.constant('switch' as const), chassisId: fc.constantFrom(...CHASSIS) }),
  fc.record({ kind: fc.constant('subnet' as const), cidr: fc.oneof(v4Cidr, v6Cidr) }),
);

// Duplicates and overlaps are kept on purpose: the map refuses them on write, but resolution must
// agree either way (first entry in map order wins among equals).
const generatedMap = fc.array(fc.tuple(mapEntry, fc.constantFrom('loc-a', 'loc-b', 'loc-c', 'loc-d')), { maxLength: 40 }).map((rows) =>
  rows.map(([input, locationId], i) => ({ id: `g${i}`, ...normaliseNetworkMapEntry({ locationId, ...input }) })),
);

const evidence: fc.Arbitrary<NetworkEvidence> = fc.record(
  {
    bssid: fc.constantFrom('00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5f', '00:1a:2b:3c:4d:60', '00:1a:2b:3c:4e:01', 'nonsense'),
    lldp: fc.record({
      chassisId: fc.record({ type: fc.constantFrom('mac', 'local'), value: fc.constantFrom(...CHASSIS, '00:00:5E:00:53:01', 'SW-LOCAL-1') }),
      portId: fc.record({ type: fc.constantFrom('ifname', 'local'), value: fc.constantFrom(...PORTS) }),
    }),
    ip: fc.oneof(v4, v4.map((a) => `${a}/24`), v6, v4.map((a) => `::ffff:${a}`), fc.constant('not-an-ip')),
  },
  { requiredKeys: [] },
);

const fallbacks = fc.record({
  assignedLocationId: fc.constantFrom(null, 'assigned'),
  siteDefaultLocationId: fc.constantFrom(null, 'default'),
});

describe('compileNetworkMap', () => {
  it('resolves every generated device exactly as the plain scan of the entries does', () => {
    fc.assert(
      fc.property(generatedMap, fc.array(fc.option(evidence, { nil: undefined }), { minLength: 1, maxLength: 10 }), fallbacks, (entries, devices, device) => {
        const compiled = compileNetworkMap(entries);
        for (const ev of devices) expect(resolveLocation(ev, compiled, device)).toEqual(resolveLocation(ev, entries, device));
      }),
      { numRuns: 1000 },
    );
  });

  it('picks the longest matching prefix, and the earlier of two equal entries', () => {
    const map = [
      entry({ locationId: 'first-16', kind: 'subnet', cidr: '10.1.0.0/16' }),
      entry({ locationId: 'wide', kind: 'subnet', cidr: '10.0.0.0/8' }),
      { ...entry({ locationId: 'second-16', kind: 'subnet', cidr: '10.1.0.0/16' }) },
    ];
    expect(resolveLocation({ ip: '10.1.2.3' }, compileNetworkMap(map), NONE).locationId).toBe('first-16');
    expect(resolveLocation({ ip: '10.9.2.3' }, compileNetworkMap(map), NONE).locationId).toBe('wide');
  });

  it('lets a damaged CIDR match nothing instead of failing every resolution', () => {
    const map = [{ id: 'bad', locationId: 'bad', kind: 'subnet' as const, key: 'x', cidr: '10.0.0.0/99' }, entry({ locationId: 'good', kind: 'subnet', cidr: '10.0.0.0/8' })];
    expect(resolveLocation({ ip: '10.1.2.3' }, compileNetworkMap(map), NONE).locationId).toBe('good');
  });
});
