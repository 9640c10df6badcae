import type { NetworkInterfaceInfo } from 'node:os';
import type { Runner } from './run-command.ts';

/** Address and gateway facts about the interface the phone talks on. */
export interface InterfaceInfo {
  interface: string;
  /** `<address>/<prefix>` (CONTRACT.md `network.ip`). */
  ip?: string;
  gateway?: string;
  gatewayMac?: string;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Picks the interface: the one asked for, else the default route's, else the first one with a
 * non-internal address (so a laptop running the agent needs no flag).
 */
export function pickInterface(ifs: Interfaces, wanted: string | undefined, defaultRouteDev: string | undefined): string | null {
  if (wanted !== undefined) return wanted;
  if (defaultRouteDev !== undefined && ifs[defaultRouteDev] !== undefined) return defaultRouteDev;
  for (const [name, addrs] of Object.entries(ifs)) {
    if (addrs?.some((a) => !a.internal)) return name;
  }
  return null;
}

/**
 * The address a location is looked up by: IPv4 first (subnet maps are mostly IPv4), then a
 * global IPv6 address; link-local IPv6 (fe80::/10) says nothing about where the phone is.
 */
export function primaryAddress(addrs: readonly NetworkInterfaceInfo[] | undefined): string | undefined {
  const usable = (addrs ?? []).filter((a) => !a.internal && a.cidr !== null);
  const v4 = usable.find((a) => a.family === 'IPv4');
  const v6 = usable.find((a) => a.family === 'IPv6' && !/^fe[89ab]/i.test(a.address));
  return (v4 ?? v6)?.cidr ?? undefined;
}

function parseJsonList(text: string): Record<string, unknown>[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  } catch {
    return [];
  }
}

/** `ip -j route show default` → the default route's gateway and device (for `dev`, or any). */
export function parseDefaultRoute(json: string, dev?: string): { gateway?: string; dev?: string } {
  const routes = parseJsonList(json).filter((r) => r.dst === 'default');
  const route = routes.find((r) => dev === undefined || r.dev === dev);
  if (route === undefined) return {};
  const out: { gateway?: string; dev?: string } = {};
  if (typeof route.gateway === 'string') out.gateway = route.gateway;
  if (typeof route.dev === 'string') out.dev = route.dev;
  return out;
}

/** `ip -j neigh show <gw>` → the gateway's MAC, when the neighbour entry is resolved. */
export function parseNeighborMac(json: string, ip: string): string | undefined {
  const entry = parseJsonList(json).find((n) => n.dst === ip && typeof n.lladdr === 'string');
  return entry?.lladdr as string | undefined;
}

/** Gathers address/prefix from the OS and gateway IP/MAC from iproute2 (absent tools are fine). */
export async function readInterfaceInfo(run: Runner, ifs: Interfaces, wanted?: string): Promise<InterfaceInfo | null> {
  const routes = await run('ip', ['-j', 'route', 'show', 'default'], { timeoutMs: 3000 });
  const anyRoute = routes.ok ? parseDefaultRoute(routes.stdout) : {};
  const name = pickInterface(ifs, wanted, anyRoute.dev);
  if (name === null) return null;
  const info: InterfaceInfo = { interface: name };
  const ip = primaryAddress(ifs[name]);
  if (ip !== undefined) info.ip = ip;
  const route = routes.ok ? parseDefaultRoute(routes.stdout, name) : {};
  if (route.gateway !== undefined) {
    info.gateway = route.gateway;
    const neigh = await run('ip', ['-j', 'neigh', 'show', route.gateway], { timeoutMs: 3000 });
    const mac = neigh.ok ? parseNeighborMac(neigh.stdout, route.gateway) : undefined;
    if (mac !== undefined) info.gatewayMac = mac.toLowerCase();
  }
  return info;
}
