/**
 * Pure decoding of the SNMP tables a switch is walked for. Input is whatever came off the wire
 * (`{oid, value}` with `value` of any type), so every function here tolerates wrong types,
 * foreign OIDs, truncated indexes and oversize tables: a bad row is skipped, never thrown.
 */

/** One variable binding as the SNMP client returned it; `value` is not trusted. */
export interface Varbind {
  oid: string;
  value: unknown;
}

/** The subtrees a switch walk reads, by name (RFC 4188 BRIDGE-MIB, RFC 4363 Q-BRIDGE-MIB, RFC 2863 IF-MIB, IEEE 802.1AB LLDP-MIB). */
export const SWITCH_WALK_PLAN = {
  /** dot1dBaseBridgeAddress (scalar, walked as its subtree). */
  bridgeAddress: '1.3.6.1.2.1.17.1.1',
  /** lldpLocChassisIdSubtype (scalar). */
  lldpLocChassisIdSubtype: '1.0.8802.1.1.2.1.3.1',
  /** lldpLocChassisId (scalar). */
  lldpLocChassisId: '1.0.8802.1.1.2.1.3.2',
  /** IF-MIB ifName, indexed by ifIndex. */
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  /** dot1dBasePortIfIndex, indexed by bridge port. */
  basePortIfIndex: '1.3.6.1.2.1.17.1.4.1.2',
  /** dot1dTpFdbPort, indexed by MAC (6 sub-identifiers). */
  fdbPort: '1.3.6.1.2.1.17.4.3.1.2',
  /** dot1dTpFdbStatus, indexed by MAC. */
  fdbStatus: '1.3.6.1.2.1.17.4.3.1.3',
  /** dot1qTpFdbPort, indexed by FDB id then MAC. */
  qFdbPort: '1.3.6.1.2.1.17.7.1.2.2.1.2',
  /** dot1qTpFdbStatus, indexed by FDB id then MAC. */
  qFdbStatus: '1.3.6.1.2.1.17.7.1.2.2.1.3',
  /** lldpLocPortIdSubtype and lldpLocPortId columns share this entry, indexed by lldpLocPortNum. */
  lldpLocPort: '1.0.8802.1.1.2.1.3.7.1',
  /** lldpRemEntry, indexed by timeMark, local port number, remote index. */
  lldpRem: '1.0.8802.1.1.2.1.4.1.1',
} as const;

export type WalkedTable = keyof typeof SWITCH_WALK_PLAN;

/** The raw result of walking one switch: each planned subtree's varbinds (absent = not walked). */
export type SwitchWalk = Partial<Record<WalkedTable, readonly Varbind[]>>;

/** Rows past this count in one table are ignored: a real access switch has a few thousand. */
export const MAX_TABLE_ROWS = 65_536;

/** `dot1dTpFdbStatus` / `dot1qTpFdbStatus` (RFC 4188 / RFC 4363): only learned entries are hosts. */
const FDB_LEARNED = 3;

function asInteger(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' && value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return null;
}

function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  return null;
}

/** Printable text of an OCTET STRING, or null when it holds control bytes or is too long. */
export function asText(value: unknown, maxLength = 255): string | null {
  const bytes = asBytes(value);
  if (bytes === null || bytes.length === 0 || bytes.length > maxLength) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\0+$/, '');
  // eslint-disable-next-line no-control-regex
  if (text === '' || /[\u0000-\u001f\u007f\ufffd]/.test(text)) return null;
  return text;
}

/** Six bytes as a canonical colon MAC (`00:1a:2b:3c:4d:5e`), or null for any other length. */
export function macOfBytes(bytes: readonly number[] | Uint8Array): string | null {
  if (bytes.length !== 6) return null;
  const parts: string[] = [];
  for (const b of bytes) {
    if (!Number.isInteger(b) || b < 0 || b > 255) return null;
    parts.push(b.toString(16).padStart(2, '0'));
  }
  return parts.join(':');
}

/** The sub-identifiers after `prefix.`, or null when the OID is outside the subtree or malformed. */
export function indexOf(oid: unknown, prefix: string): number[] | null {
  if (typeof oid !== 'string' || !oid.startsWith(`${prefix}.`)) return null;
  const rest = oid.slice(prefix.length + 1).split('.');
  const out: number[] = [];
  for (const part of rest) {
    if (!/^\d{1,10}$/.test(part)) return null;
    out.push(Number(part));
  }
  return out;
}

function rowsOf(varbinds: readonly Varbind[] | undefined): readonly Varbind[] {
  if (!Array.isArray(varbinds)) return [];
  return varbinds.length > MAX_TABLE_ROWS ? varbinds.slice(0, MAX_TABLE_ROWS) : varbinds;
}

/** `{index → integer}` for a column indexed by one integer (dot1dBasePortIfIndex). */
export function integerColumn(varbinds: readonly Varbind[] | undefined, prefix: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const vb of rowsOf(varbinds)) {
    const index = indexOf(vb?.oid, prefix);
    const value = asInteger(vb?.value);
    if (index?.length !== 1 || value === null) continue;
    out.set(index[0]!, value);
  }
  return out;
}

/** `{ifIndex → ifName}` from IF-MIB ifName. */
export function parseIfNames(varbinds: readonly Varbind[] | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const vb of rowsOf(varbinds)) {
    const index = indexOf(vb?.oid, SWITCH_WALK_PLAN.ifName);
    const name = asText(vb?.value, 64);
    if (index?.length !== 1 || name === null) continue;
    out.set(index[0]!, name);
  }
  return out;
}

/** One learned forwarding-table entry: a host MAC behind a bridge port. */
export interface FdbEntry {
  mac: string;
  bridgePort: number;
}

/**
 * Learned MAC → bridge port from BRIDGE-MIB dot1dTpFdbTable and Q-BRIDGE-MIB dot1qTpFdbTable
 * (VLAN-aware switches often leave the former empty). Entries whose status is present and not
 * `learned(3)` are the switch's own or static addresses, not hosts; port 0 means "unknown port"
 * (RFC 4188 dot1dTpFdbPort). A MAC learned on several ports (several VLANs) keeps each.
 */
export function parseFdb(walk: SwitchWalk): FdbEntry[] {
  const seen = new Set<string>();
  const out: FdbEntry[] = [];
  const take = (ports: readonly Varbind[] | undefined, statuses: readonly Varbind[] | undefined, portPrefix: string, statusPrefix: string, indexLength: number) => {
    const status = new Map<string, number>();
    for (const vb of rowsOf(statuses)) {
      const index = indexOf(vb?.oid, statusPrefix);
      const value = asInteger(vb?.value);
      if (index?.length === indexLength && value !== null) status.set(index.join('.'), value);
    }
    for (const vb of rowsOf(ports)) {
      const index = indexOf(vb?.oid, portPrefix);
      const port = asInteger(vb?.value);
      if (index?.length !== indexLength || port === null || port <= 0) continue;
      const state = status.get(index.join('.'));
      if (state !== undefined && state !== FDB_LEARNED) continue;
      const mac = macOfBytes(index.slice(-6));
      if (mac === null) continue;
      const key = `${mac}|${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ mac, bridgePort: port });
    }
  };
  take(walk.fdbPort, walk.fdbStatus, SWITCH_WALK_PLAN.fdbPort, SWITCH_WALK_PLAN.fdbStatus, 6);
  take(walk.qFdbPort, walk.qFdbStatus, SWITCH_WALK_PLAN.qFdbPort, SWITCH_WALK_PLAN.qFdbStatus, 7);
  return out;
}

/** An LLDP identifier as the network map stores it (`domain/network-map.ts` LldpId). */
export interface SnmpLldpId {
  type: string;
  value: string;
}

/**
 * LLDP-MIB chassis id (LldpChassisIdSubtype) or port id (LldpPortIdSubtype) as text, named like
 * lldpd names the subtypes so agent and SNMP evidence match. MAC subtypes are six raw bytes;
 * networkAddress starts with an IANA address family byte (1 = IPv4); others are text.
 */
export function lldpIdOf(kind: 'chassis' | 'port', subtype: number | null, value: unknown): SnmpLldpId | null {
  const macSubtype = kind === 'chassis' ? 4 : 3;
  const addressSubtype = kind === 'chassis' ? 5 : 4;
  const nameSubtype = kind === 'chassis' ? 6 : 5;
  const aliasSubtype = kind === 'chassis' ? 2 : 1;
  const bytes = asBytes(value);
  if (bytes === null) return null;
  if (subtype === macSubtype) {
    const mac = macOfBytes(bytes);
    return mac === null ? null : { type: 'mac', value: mac };
  }
  if (subtype === addressSubtype) {
    if (bytes.length === 5 && bytes[0] === 1) return { type: 'ip', value: Array.from(bytes.slice(1)).join('.') };
    return null;
  }
  const text = asText(bytes);
  if (text === null) return null;
  if (subtype === nameSubtype) return { type: 'ifname', value: text };
  if (subtype === aliasSubtype) return { type: 'ifalias', value: text };
  return { type: 'local', value: text };
}

/** The switch's own chassis id: lldpLocChassisId, else the bridge MAC (dot1dBaseBridgeAddress). */
export function parseLocalChassis(walk: SwitchWalk): SnmpLldpId | null {
  const first = (rows: readonly Varbind[] | undefined, prefix: string) =>
    rowsOf(rows).find((vb) => indexOf(vb?.oid, prefix)?.join('.') === '0')?.value;
  const subtype = asInteger(first(walk.lldpLocChassisIdSubtype, SWITCH_WALK_PLAN.lldpLocChassisIdSubtype));
  const lldp = lldpIdOf('chassis', subtype, first(walk.lldpLocChassisId, SWITCH_WALK_PLAN.lldpLocChassisId));
  if (lldp !== null) return lldp;
  const bridge = asBytes(first(walk.bridgeAddress, SWITCH_WALK_PLAN.bridgeAddress));
  const mac = bridge === null ? null : macOfBytes(bridge);
  return mac === null ? null : { type: 'mac', value: mac };
}

/** The port id each local LLDP port announces (lldpLocPortTable), by lldpLocPortNum. */
export function parseLocalPorts(walk: SwitchWalk): Map<number, SnmpLldpId> {
  const prefix = SWITCH_WALK_PLAN.lldpLocPort;
  const subtypes = new Map<number, number>();
  const values = new Map<number, unknown>();
  for (const vb of rowsOf(walk.lldpLocPort)) {
    const index = indexOf(vb?.oid, prefix);
    if (index?.length !== 2) continue;
    const [column, port] = index as [number, number];
    if (column === 2) {
      const subtype = asInteger(vb.value);
      if (subtype !== null) subtypes.set(port, subtype);
    } else if (column === 3) {
      values.set(port, vb.value);
    }
  }
  const out = new Map<number, SnmpLldpId>();
  for (const [port, value] of values) {
    const id = lldpIdOf('port', subtypes.get(port) ?? null, value);
    if (id !== null) out.set(port, id);
  }
  return out;
}

/** A neighbour the switch hears on one of its ports (LLDP-MIB lldpRemTable). */
export interface LldpNeighbour {
  localPort: number;
  chassisId: SnmpLldpId | null;
  portId: SnmpLldpId | null;
  sysName: string | null;
  /** lldpRemSysCapEnabled has bridge(2) set. */
  bridge: boolean;
  /** lldpRemSysCapEnabled has telephone(5) set: a phone with a PC port also says bridge. */
  telephone: boolean;
}

/** LldpSystemCapabilitiesMap is a BITS value: bit n is bit (7 - n % 8) of octet n / 8. */
function bitSet(value: unknown, bit: number): boolean {
  const bytes = asBytes(value);
  if (bytes === null) return false;
  const octet = bytes[Math.floor(bit / 8)];
  return octet !== undefined && (octet & (0x80 >> bit % 8)) !== 0;
}

/** lldpRemTable rows grouped by (timeMark, localPort, index); rows with a bad index are dropped. */
export function parseLldpNeighbours(walk: SwitchWalk): LldpNeighbour[] {
  const prefix = SWITCH_WALK_PLAN.lldpRem;
  const rows = new Map<string, { localPort: number; cells: Map<number, unknown> }>();
  for (const vb of rowsOf(walk.lldpRem)) {
    const index = indexOf(vb?.oid, prefix);
    if (index?.length !== 4) continue;
    const [column, , localPort] = index as [number, number, number, number];
    const key = index.slice(1).join('.');
    let row = rows.get(key);
    if (row === undefined) {
      row = { localPort, cells: new Map() };
      rows.set(key, row);
    }
    row.cells.set(column, vb.value);
  }
  return [...rows.values()].map(({ localPort, cells }) => {
    const caps = cells.get(12);
    return {
      localPort,
      chassisId: lldpIdOf('chassis', asInteger(cells.get(4)), cells.get(5)),
      portId: lldpIdOf('port', asInteger(cells.get(6)), cells.get(7)),
      sysName: asText(cells.get(9)),
      bridge: bitSet(caps, 2),
      telephone: bitSet(caps, 5),
    };
  });
}
