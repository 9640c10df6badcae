import { SWITCH_WALK_PLAN, type SwitchWalk, type Varbind } from '../../server/domain/snmp-tables.ts';

/** One port of a made-up switch. */
export interface SyntheticPort {
  bridgePort: number;
  ifIndex: number;
  ifName: string;
  /** What the port announces in LLDP (lldpLocPortId, subtype interfaceName); none when absent. */
  lldpPortId?: string;
  /** Host MACs learned on the port, colon form. */
  macs: string[];
  /** The LLDP neighbour the switch hears on the port. */
  neighbour?: { chassisMac: string; portId: string; sysName: string; caps: Array<'bridge' | 'telephone' | 'router'> };
}

export interface SyntheticSwitch {
  chassisMac: string;
  ports: SyntheticPort[];
  /** Put the forwarding table in Q-BRIDGE-MIB dot1qTpFdbTable (VLAN 1) instead of BRIDGE-MIB. */
  qBridge?: boolean;
}

export const macBytes = (mac: string): number[] => mac.split(/[:-]/).map((h) => parseInt(h, 16));

const CAP_BITS = { router: 4, bridge: 2, telephone: 5 } as const;

export function capsBits(caps: ReadonlyArray<keyof typeof CAP_BITS>): Buffer {
  let octet = 0;
  for (const c of caps) octet |= 0x80 >> CAP_BITS[c];
  return Buffer.from([octet, 0]);
}

/** `n` distinct locally administered MACs starting from a seed byte (for uplink ports). */
export function manyMacs(n: number, seed: number): string[] {
  return Array.from({ length: n }, (_, i) => ['02', seed.toString(16).padStart(2, '0'), '00', '00', (i >> 8).toString(16).padStart(2, '0'), (i & 255).toString(16).padStart(2, '0')].join(':'));
}

/** The switch's tables as the varbinds a walk returns, in lexicographic order per table. */
export function walkOf(sw: SyntheticSwitch): SwitchWalk {
  const P = SWITCH_WALK_PLAN;
  const fdbPort: Varbind[] = [];
  const fdbStatus: Varbind[] = [];
  const lldpRem: Varbind[] = [];
  for (const port of sw.ports) {
    for (const mac of port.macs) {
      const index = sw.qBridge ? `1.${macBytes(mac).join('.')}` : macBytes(mac).join('.');
      fdbPort.push({ oid: `${sw.qBridge ? P.qFdbPort : P.fdbPort}.${index}`, value: port.bridgePort });
      fdbStatus.push({ oid: `${sw.qBridge ? P.qFdbStatus : P.fdbStatus}.${index}`, value: 3 });
    }
  }
  for (const column of [4, 5, 6, 7, 9, 12]) {
    for (const port of sw.ports) {
      const n = port.neighbour;
      if (n === undefined) continue;
      const value = { 4: 4, 5: Buffer.from(macBytes(n.chassisMac)), 6: 5, 7: Buffer.from(n.portId), 9: Buffer.from(n.sysName), 12: capsBits(n.caps) }[column];
      lldpRem.push({ oid: `${P.lldpRem}.${column}.0.${port.bridgePort}.1`, value });
    }
  }
  const withLldp = sw.ports.filter((p) => p.lldpPortId !== undefined);
  return {
    bridgeAddress: [{ oid: `${P.bridgeAddress}.0`, value: Buffer.from(macBytes(sw.chassisMac)) }],
    lldpLocChassisIdSubtype: [{ oid: `${P.lldpLocChassisIdSubtype}.0`, value: 4 }],
    lldpLocChassisId: [{ oid: `${P.lldpLocChassisId}.0`, value: Buffer.from(macBytes(sw.chassisMac)) }],
    ifName: sw.ports.map((p) => ({ oid: `${P.ifName}.${p.ifIndex}`, value: Buffer.from(p.ifName) })),
    basePortIfIndex: sw.ports.map((p) => ({ oid: `${P.basePortIfIndex}.${p.bridgePort}`, value: p.ifIndex })),
    [sw.qBridge ? 'qFdbPort' : 'fdbPort']: fdbPort,
    [sw.qBridge ? 'qFdbStatus' : 'fdbStatus']: fdbStatus,
    lldpLocPort: [
      ...withLldp.map((p) => ({ oid: `${P.lldpLocPort}.2.${p.bridgePort}`, value: 5 })),
      ...withLldp.map((p) => ({ oid: `${P.lldpLocPort}.3.${p.bridgePort}`, value: Buffer.from(p.lldpPortId!) })),
    ],
    lldpRem,
  };
}
