import {
  integerColumn,
  parseFdb,
  parseIfNames,
  parseLldpNeighbours,
  parseLocalChassis,
  parseLocalPorts,
  SWITCH_WALK_PLAN,
  type SnmpLldpId,
  type SwitchWalk,
} from './snmp-tables.ts';

/** How the walk of one switch is read. */
export interface LocateOptions {
  /** A port where more MACs than this are learned is an uplink (another switch behind it). */
  uplinkMacThreshold: number;
  /** Ports an admin marked as uplinks, by ifName or LLDP port id (case-insensitive). */
  uplinkPorts: readonly string[];
  /** The chassis id to use when the switch tells none (learned earlier, or typed by an admin). */
  knownChassisId?: SnmpLldpId | null;
}

/** A host MAC learned on an access port: `switchPort` evidence for that MAC. */
export interface PortSighting {
  /** Canonical 12 lowercase hex (the device store's spelling). */
  mac: string;
  chassisId: SnmpLldpId;
  /** What the port announces in LLDP (lldpLocPortId), else its ifName; the map's portId. */
  portId: string;
  ifName: string | null;
  bridgePort: number;
}

export type UplinkReason = 'marked' | 'macCount' | 'lldpBridge';

export interface SwitchLocation {
  chassisId: SnmpLldpId | null;
  sightings: PortSighting[];
  /** Bridge ports skipped as uplinks, with why. */
  uplinks: Array<{ bridgePort: number; portId: string; reason: UplinkReason; macs: number }>;
}

/**
 * Turns one switch walk into port sightings (Cisco Emergency Responder and RedSky locate phones
 * this way: which access port has this MAC). Uplinks are skipped, since a MAC seen there only says
 * "somewhere behind another switch": ports an admin marked, ports with more learned MACs than the
 * threshold, and ports whose LLDP neighbour enables the bridge capability without the telephone
 * one (IP phones with a PC port announce both, and they are exactly what we want to find).
 * LLDP-MIB LldpPortNumber: on a bridge, LLDP port numbers equal bridge port numbers.
 */
export function locateMacs(walk: SwitchWalk, opts: LocateOptions): SwitchLocation {
  const chassisId = parseLocalChassis(walk) ?? opts.knownChassisId ?? null;
  const fdb = parseFdb(walk);
  const ifIndexOf = integerColumn(walk.basePortIfIndex, SWITCH_WALK_PLAN.basePortIfIndex);
  const ifNames = parseIfNames(walk.ifName);
  const localPorts = parseLocalPorts(walk);
  const neighbours = parseLldpNeighbours(walk);

  const ifNameOf = (bridgePort: number): string | null => {
    const ifIndex = ifIndexOf.get(bridgePort);
    return ifIndex === undefined ? null : (ifNames.get(ifIndex) ?? null);
  };
  const portIdOf = (bridgePort: number): string => {
    const lldp = localPorts.get(bridgePort);
    if (lldp !== undefined && lldp.type !== 'ip') return lldp.value;
    return ifNameOf(bridgePort) ?? String(ifIndexOf.get(bridgePort) ?? bridgePort);
  };

  const macsPerPort = new Map<number, number>();
  for (const e of fdb) macsPerPort.set(e.bridgePort, (macsPerPort.get(e.bridgePort) ?? 0) + 1);
  const marked = new Set(opts.uplinkPorts.map((p) => p.trim().toLowerCase()));
  const bridgeNeighbourPorts = new Set(neighbours.filter((n) => n.bridge && !n.telephone).map((n) => n.localPort));

  const uplinks: SwitchLocation['uplinks'] = [];
  const uplinkSet = new Set<number>();
  for (const [bridgePort, macs] of macsPerPort) {
    const portId = portIdOf(bridgePort);
    const name = ifNameOf(bridgePort);
    let reason: UplinkReason | null = null;
    if (marked.has(portId.toLowerCase()) || (name !== null && marked.has(name.toLowerCase()))) reason = 'marked';
    else if (bridgeNeighbourPorts.has(bridgePort)) reason = 'lldpBridge';
    else if (macs > opts.uplinkMacThreshold) reason = 'macCount';
    if (reason === null) continue;
    uplinkSet.add(bridgePort);
    uplinks.push({ bridgePort, portId, reason, macs });
  }

  const sightings: PortSighting[] = [];
  if (chassisId !== null) {
    const seen = new Set<string>();
    const sight = (mac: string, bridgePort: number) => {
      const key = `${mac}|${bridgePort}`;
      if (uplinkSet.has(bridgePort) || seen.has(key)) return;
      seen.add(key);
      sightings.push({ mac: mac.replace(/:/g, ''), chassisId, portId: portIdOf(bridgePort), ifName: ifNameOf(bridgePort), bridgePort });
    };
    for (const e of fdb) sight(e.mac, e.bridgePort);
    // A phone's own LLDP chassis id is usually its MAC: a direct neighbour is found even when its
    // forwarding entry has aged out (a quiet phone) or the switch hides its FDB.
    for (const n of neighbours) {
      if (n.chassisId?.type === 'mac' && !(n.bridge && !n.telephone)) sight(n.chassisId.value, n.localPort);
    }
  }
  uplinks.sort((a, b) => a.bridgePort - b.bridgePort);
  return { chassisId, sightings, uplinks };
}
