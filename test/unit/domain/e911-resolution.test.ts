import { describe, expect, it } from 'vitest';
import type { NetworkEvidence } from '../../../server/domain/e911-evidence.ts';
import { resolveLocation, resolutionChanged, type DeviceLocationFallbacks } from '../../../server/domain/e911-resolution.ts';
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
