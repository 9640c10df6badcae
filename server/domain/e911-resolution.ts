import ipaddr from 'ipaddr.js';
import type { NetworkEvidence } from './e911-evidence.ts';
import { bssidMatches, normaliseLldpId, type NetworkMapEntry } from './network-map.ts';

/** How a device's location was found (CONTRACT.md `GET /api/v1/devices/{mac}/status`). */
export type MatchedBy = 'bssid' | 'switchPort' | 'switch' | 'subnet' | 'assigned' | 'siteDefault';

/** The fallbacks a device has when its network evidence matches nothing. */
export interface DeviceLocationFallbacks {
  /** The location an admin bound to the device (or its extension), if any. */
  assignedLocationId: string | null;
  /** The default location of the device's site, if the site has one. */
  siteDefaultLocationId: string | null;
}

export interface Resolution {
  locationId: string | null;
  matchedBy: MatchedBy | null;
  /** The network map entry that matched, for network matches. */
  entryId: string | null;
  /** True when no network evidence or assignment placed the device (site default or nothing). */
  unresolved: boolean;
}

function parseAddress(ip: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ip === undefined) return null;
  const text = ip.split('/')[0] ?? '';
  if (!ipaddr.isValid(text)) return null;
  const addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

function inSubnet(addr: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean {
  const range = ipaddr.parseCIDR(cidr);
  return range[0].kind() === addr.kind() && addr.match(range);
}

function found(entry: NetworkMapEntry, matchedBy: MatchedBy): Resolution {
  return { locationId: entry.locationId, matchedBy, entryId: entry.id, unresolved: false };
}

/** A subnet entry with its network parsed once. */
interface CompiledSubnet {
  entry: NetworkMapEntry;
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/**
 * A network map prepared for resolving many devices: CIDRs parsed once, switch entries indexed
 * by chassis (and port), subnets ordered longest prefix first. Parsing every CIDR on each call
 * cost ~11 ms per device with 500 subnets (docs/LOCATION.md "Figures"); compile once per map
 * revision and pass the result to `resolveLocation` instead of the entries.
 */
export interface CompiledNetworkMap {
  readonly kind: 'compiled';
  readonly entries: readonly NetworkMapEntry[];
  readonly bssids: readonly NetworkMapEntry[];
  /** `chassis \0 port` → the first such entry in map order. */
  readonly ports: ReadonlyMap<string, NetworkMapEntry>;
  /** chassis → the first whole-switch entry in map order. */
  readonly switches: ReadonlyMap<string, NetworkMapEntry>;
  /** Longest prefix first; equal prefixes keep map order (a stable sort). */
  readonly subnets: readonly CompiledSubnet[];
}

const portKey = (chassis: string, port: string): string => `${chassis}\u0000${port}`;

/** Prepares a map for `resolveLocation`; entries whose CIDR does not parse can never match. */
export function compileNetworkMap(entries: readonly NetworkMapEntry[]): CompiledNetworkMap {
  const ports = new Map<string, NetworkMapEntry>();
  const switches = new Map<string, NetworkMapEntry>();
  const subnets: CompiledSubnet[] = [];
  for (const e of entries) {
    if (e.kind === 'switchPort' && e.chassisId !== undefined && e.portId !== undefined) {
      const key = portKey(e.chassisId.value, e.portId);
      if (!ports.has(key)) ports.set(key, e);
    } else if (e.kind === 'switch' && e.chassisId !== undefined) {
      if (!switches.has(e.chassisId.value)) switches.set(e.chassisId.value, e);
    } else if (e.kind === 'subnet' && e.cidr !== undefined) {
      try {
        subnets.push({ entry: e, range: ipaddr.parseCIDR(e.cidr) });
      } catch {
        // Entries are normalised on write (normaliseCidr); a damaged one matches nothing.
      }
    }
  }
  subnets.sort((a, b) => prefixOf(b.entry.cidr as string) - prefixOf(a.entry.cidr as string));
  return { kind: 'compiled', entries, bssids: entries.filter((e) => e.kind === 'bssid' && e.bssid !== undefined), ports, switches, subnets };
}

function matchBssid(bssids: readonly NetworkMapEntry[], bssid: string): Resolution | null {
  const hits = bssids.filter((e) => e.kind === 'bssid' && e.bssid !== undefined && bssidMatches(e.bssid, bssid));
  const hit = hits.find((e) => !e.bssid!.includes('*')) ?? hits[0];
  return hit === undefined ? null : found(hit, 'bssid');
}

function resolveCompiled(ev: NetworkEvidence, map: CompiledNetworkMap): Resolution | null {
  if (ev.bssid !== undefined) {
    const hit = matchBssid(map.bssids, ev.bssid);
    if (hit !== null) return hit;
  }
  if (ev.lldp !== undefined) {
    const chassis = normaliseLldpId(ev.lldp.chassisId.value, ev.lldp.chassisId.type).value;
    const port = normaliseLldpId(ev.lldp.portId.value, ev.lldp.portId.type).value;
    const byPort = map.ports.get(portKey(chassis, port));
    if (byPort) return found(byPort, 'switchPort');
    const bySwitch = map.switches.get(chassis);
    if (bySwitch) return found(bySwitch, 'switch');
  }
  const addr = parseAddress(ev.ip);
  if (addr !== null) {
    const hit = map.subnets.find((s) => s.range[0].kind() === addr.kind() && addr.match(s.range));
    if (hit !== undefined) return found(hit.entry, 'subnet');
  }
  return null;
}

/** The plain scan over entries: what `compileNetworkMap` speeds up (and is tested against). */
function resolveScan(ev: NetworkEvidence, entries: readonly NetworkMapEntry[]): Resolution | null {
  if (ev.bssid !== undefined) {
    const hit = matchBssid(entries, ev.bssid);
    if (hit !== null) return hit;
  }
  if (ev.lldp !== undefined) {
    const chassis = normaliseLldpId(ev.lldp.chassisId.value, ev.lldp.chassisId.type).value;
    const port = normaliseLldpId(ev.lldp.portId.value, ev.lldp.portId.type).value;
    const byPort = entries.find((e) => e.kind === 'switchPort' && e.chassisId?.value === chassis && e.portId === port);
    if (byPort) return found(byPort, 'switchPort');
    const bySwitch = entries.find((e) => e.kind === 'switch' && e.chassisId?.value === chassis);
    if (bySwitch) return found(bySwitch, 'switch');
  }
  const addr = parseAddress(ev.ip);
  if (addr !== null) {
    let best: NetworkMapEntry | null = null;
    for (const e of entries) {
      if (e.kind !== 'subnet' || e.cidr === undefined || !inSubnet(addr, e.cidr)) continue;
      if (best === null || prefixOf(e.cidr) > prefixOf(best.cidr!)) best = e;
    }
    if (best !== null) return found(best, 'subnet');
  }
  return null;
}

/**
 * Resolves a device's emergency location from its network evidence, in Teams' LIS order
 * (E911-SECURITY.md §1.1): Wi-Fi BSSID, then switch chassis + port, then chassis alone, then the
 * longest matching subnet; failing those, the device's assigned location, then the site default,
 * flagged unresolved. Among BSSID entries an exact one beats a wildcard (the map forbids overlap,
 * so at most one matches anyway). `map` is the entries, or the same compiled once with
 * `compileNetworkMap` (same answer, far faster when resolving many devices).
 */
export function resolveLocation(
  evidence: NetworkEvidence | undefined,
  map: readonly NetworkMapEntry[] | CompiledNetworkMap,
  device: DeviceLocationFallbacks,
): Resolution {
  const ev = evidence ?? {};
  const network = isCompiled(map) ? resolveCompiled(ev, map) : resolveScan(ev, map);
  if (network !== null) return network;
  if (device.assignedLocationId !== null) {
    return { locationId: device.assignedLocationId, matchedBy: 'assigned', entryId: null, unresolved: false };
  }
  if (device.siteDefaultLocationId !== null) {
    return { locationId: device.siteDefaultLocationId, matchedBy: 'siteDefault', entryId: null, unresolved: true };
  }
  return { locationId: null, matchedBy: null, entryId: null, unresolved: true };
}

function isCompiled(map: readonly NetworkMapEntry[] | CompiledNetworkMap): map is CompiledNetworkMap {
  return !Array.isArray(map);
}

/** True when the resolved location changed (an audit event, DESIGN.md "E911"). */
export function resolutionChanged(before: Resolution | null, after: Resolution): boolean {
  return before === null || before.locationId !== after.locationId || before.matchedBy !== after.matchedBy;
}
