import ipaddr from 'ipaddr.js';

/**
 * Turns the interface names an admin gave (`DESKPROV_DISCOVERY`) into the addresses discovery
 * binds to. Pure: the caller passes `os.networkInterfaces()`.
 */

/** Shape of `os.networkInterfaces()` entries this needs. */
export interface InterfaceAddressInfo {
  address: string;
  netmask: string;
  family: string | number;
  internal: boolean;
}

export type InterfaceMap = Record<string, InterfaceAddressInfo[] | undefined>;

export interface DiscoveryInterface {
  name: string;
  /** First IPv4 address; SIP PnP (224.0.1.75) is IPv4-only. */
  ipv4: string | undefined;
  /** Its prefix length, to tell whether a source is on this link. */
  ipv4Prefix: number | undefined;
}

/**
 * `ip link` prints veth ends as `veth0@if3`; the kernel name (and the key in
 * `os.networkInterfaces()`) is `veth0`. Copy-pasted names are accepted with the suffix removed.
 */
export function kernelInterfaceName(name: string): string {
  const at = name.indexOf('@');
  return (at === -1 ? name : name.slice(0, at)).trim();
}

export type ResolveResult = { ok: true; interfaces: DiscoveryInterface[] } | { ok: false; errors: string[] };

/** Every named interface must exist; duplicates are folded. */
export function resolveInterfaces(names: readonly string[], map: InterfaceMap): ResolveResult {
  const errors: string[] = [];
  const out: DiscoveryInterface[] = [];
  for (const raw of names) {
    const name = kernelInterfaceName(raw);
    if (out.some((i) => i.name === name)) continue;
    const infos = map[name];
    if (name === '' || infos === undefined) {
      errors.push(`no network interface "${raw}"`);
      continue;
    }
    const v4 = infos.find((info) => info.family === 'IPv4' || info.family === 4);
    out.push({
      name,
      ipv4: v4?.address,
      ipv4Prefix: v4 === undefined ? undefined : ipaddr.IPv4.parse(v4.netmask).prefixLengthFromSubnetMask() ?? 32,
    });
  }
  if (names.length === 0) errors.push('no interface named');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, interfaces: out };
}

/** The named interface whose IPv4 subnet holds `address`, if any. */
export function interfaceForSource(interfaces: readonly DiscoveryInterface[], address: string): DiscoveryInterface | undefined {
  if (!ipaddr.IPv4.isValid(address)) return undefined;
  const addr = ipaddr.IPv4.parse(address);
  return interfaces.find(
    (i) => i.ipv4 !== undefined && i.ipv4Prefix !== undefined && addr.match(ipaddr.IPv4.parse(i.ipv4), i.ipv4Prefix),
  );
}
