import { networkInterfaces } from 'node:os';
import type { AgentReport, NetworkEvidence, SipState } from '../server/domain/e911-evidence.ts';
import type { SipContact } from '../server/domain/sip-contact.ts';
import { readInterfaceInfo } from './interface-info.ts';
import { readLldpNeighbors, toEvidence } from './lldp-neighbors.ts';
import type { Runner } from './run-command.ts';
import { readSipStatus } from './sip-status.ts';
import { readBssid } from './wifi.ts';

/** A report without its id and time: what is compared to decide whether something changed. */
export type Snapshot = Omit<AgentReport, 'id' | 'at'>;

export interface GatherOptions {
  run: Runner;
  interface?: string;
  lldpSocket?: string;
  sipStatus?: string;
  /** Reads the SIP state another way (the REGISTER probe); used instead of `sipStatus`. */
  readSip?: () => Promise<SipState>;
  firmware?: string;
  configRevision?: string;
  mac?: string;
  /** UDP port the phone's SIP UA listens on (`--sip-port`): with the interface address, its SIP contact. */
  sipPort?: number;
  /** Problems seen while gathering (a missing tool, garbled lldpcli output); never throws. */
  onProblem: (source: string, message: string) => void;
}

/** Collects everything the agent knows right now. Each source is optional; failures are reported, not thrown. */
export async function gatherSnapshot(opts: GatherOptions): Promise<Snapshot> {
  const snap: Snapshot = {};
  if (opts.mac !== undefined) snap.mac = opts.mac;
  if (opts.firmware !== undefined) snap.firmware = opts.firmware;
  if (opts.configRevision !== undefined) snap.configRevision = opts.configRevision;
  if (opts.readSip !== undefined) {
    snap.sip = await opts.readSip();
  } else if (opts.sipStatus !== undefined) {
    const r = await readSipStatus(opts.sipStatus);
    if ('sip' in r) snap.sip = r.sip satisfies SipState;
    else opts.onProblem('sip', r.error);
  }
  const info = await readInterfaceInfo(opts.run, networkInterfaces(), opts.interface);
  if (info === null) {
    opts.onProblem('interface', 'no network interface with an address');
    return snap;
  }
  const network: NetworkEvidence = {};
  if (info.ip !== undefined) network.ip = info.ip;
  const sipContact = sipContactFrom(info.ip, opts.sipPort);
  if (sipContact !== undefined) snap.sipContact = sipContact;
  if (info.gateway !== undefined) network.gateway = info.gateway;
  if (info.gatewayMac !== undefined) network.gatewayMac = info.gatewayMac;
  const bssid = await readBssid(opts.run, info.interface);
  if (bssid !== null) network.bssid = bssid;
  const lldp = await readLldpNeighbors(opts.run, opts.lldpSocket);
  if ('error' in lldp) {
    opts.onProblem('lldp', lldp.error);
  } else {
    const n = lldp.neighbors.find((x) => x.interface === info.interface);
    if (n !== undefined) network.lldp = toEvidence(n);
  }
  snap.network = network;
  return snap;
}

/**
 * The phone's SIP contact: its interface address (`<address>/<prefix>`, prefix dropped) and the
 * SIP port it was told. The server sends check-sync there instead of guessing port 5060.
 */
export function sipContactFrom(cidr: string | undefined, port: number | undefined): SipContact | undefined {
  if (cidr === undefined || port === undefined) return undefined;
  const ip = cidr.split('/')[0];
  return ip === undefined || ip === '' ? undefined : { ip, port };
}

/** Same content, ignoring key order. */
export function sameSnapshot(a: Snapshot | null, b: Snapshot): boolean {
  return a !== null && canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
