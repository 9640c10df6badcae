import { createSocket } from 'node:dgram';
import snmp from 'net-snmp';
import { SWITCH_WALK_PLAN, type SwitchWalk, type Varbind } from '../../server/domain/snmp-tables.ts';

/**
 * A simulated switch: net-snmp's agent on 127.0.0.1 serving the varbinds of a SwitchWalk (see
 * synthetic-switch.ts). Each table is registered as a provider whose row index is an implied OID,
 * so any index shape (a MAC, FDB id + MAC, LLDP's three integers) is served exactly as given.
 */
export interface SimulatedSwitch {
  port: number;
  /** What the agent reported as failures (requests it could not process). */
  errors: unknown[];
  /** Replaces every table with a new walk (a MAC moved, a port filled up). */
  serve(walk: SwitchWalk): void;
  close(): Promise<void>;
}

export interface AgentAccess {
  community?: string;
  v3User?: { name: string; authKey: string; privKey?: string };
}

/** Entry OIDs: the column tables' parents, and the entry tables themselves. */
const ENTRIES = [
  '1.3.6.1.2.1.31.1.1.1', // ifXEntry
  '1.3.6.1.2.1.17.1.4.1', // dot1dBasePortEntry
  '1.3.6.1.2.1.17.4.3.1', // dot1dTpFdbEntry
  '1.3.6.1.2.1.17.7.1.2.2.1', // dot1qTpFdbEntry
  SWITCH_WALK_PLAN.lldpLocPort,
  SWITCH_WALK_PLAN.lldpRem,
];
const SCALARS = [SWITCH_WALK_PLAN.bridgeAddress, SWITCH_WALK_PLAN.lldpLocChassisIdSubtype, SWITCH_WALK_PLAN.lldpLocChassisId];
const INDEX_COLUMN = 200;

function typeOf(value: unknown): snmp.ObjectType {
  return typeof value === 'number' ? snmp.ObjectType.Integer : snmp.ObjectType.OctetString;
}

function buildMib(walk: SwitchWalk): unknown {
  const mib = snmp.createMib() as {
    registerProvider(p: unknown): void;
    addTableRow(name: string, row: unknown[]): void;
    setScalarValue(name: string, value: unknown): void;
  };
  const all: Varbind[] = Object.values(walk).flatMap((rows) => [...(rows ?? [])]);
  for (const oid of SCALARS) {
    const vb = all.find((v) => v.oid === `${oid}.0`);
    if (vb === undefined) continue;
    mib.registerProvider({ name: `s${oid}`, type: snmp.MibProviderType.Scalar, oid, scalarType: typeOf(vb.value), maxAccess: snmp.MaxAccess['read-only'] });
    mib.setScalarValue(`s${oid}`, vb.value);
  }
  for (const entry of ENTRIES) {
    const rows = new Map<string, Map<number, unknown>>();
    const types = new Map<number, snmp.ObjectType>();
    for (const vb of all) {
      if (!vb.oid.startsWith(`${entry}.`)) continue;
      const [column, ...index] = vb.oid.slice(entry.length + 1).split('.');
      const key = index.join('.');
      if (!rows.has(key)) rows.set(key, new Map());
      rows.get(key)!.set(Number(column), vb.value);
      if (!types.has(Number(column))) types.set(Number(column), typeOf(vb.value));
    }
    if (rows.size === 0) continue;
    const columns = [...types.keys()].sort((a, b) => a - b);
    mib.registerProvider({
      name: entry,
      type: snmp.MibProviderType.Table,
      oid: entry,
      maxAccess: snmp.MaxAccess['read-only'],
      tableColumns: [
        ...columns.map((n) => ({ number: n, name: `c${n}`, type: types.get(n)!, maxAccess: snmp.MaxAccess['read-only'] })),
        { number: INDEX_COLUMN, name: 'index', type: snmp.ObjectType.OID, maxAccess: snmp.MaxAccess['not-accessible'] },
      ],
      tableIndex: [{ columnName: 'index', implied: true }],
    });
    for (const [key, cells] of rows) {
      mib.addTableRow(entry, [...columns.map((n) => cells.get(n) ?? (types.get(n) === snmp.ObjectType.Integer ? 0 : Buffer.alloc(0))), key]);
    }
  }
  return mib;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Starts the agent on a free 127.0.0.1 UDP port. */
export async function startSimulatedSwitch(walk: SwitchWalk, access: AgentAccess = { community: 'public' }): Promise<SimulatedSwitch> {
  const errors: unknown[] = [];
  // net-snmp treats port 0 as "default" (161), so take a free port from the kernel first.
  const free = await freeUdpPort();
  const agent = snmp.createAgent({ port: free, address: '127.0.0.1', accessControlModelType: snmp.AccessControlModelType.None }, (err: unknown) => {
    if (err) errors.push(err);
  });
  const authorizer = agent.getAuthorizer();
  if (access.community !== undefined) authorizer.addCommunity(access.community);
  if (access.v3User !== undefined) {
    const u = access.v3User;
    authorizer.addUser({
      name: u.name,
      level: u.privKey === undefined ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha,
      authKey: u.authKey,
      ...(u.privKey === undefined ? {} : { privProtocol: snmp.PrivProtocols.aes, privKey: u.privKey }),
    });
  }
  agent.setMib(buildMib(walk));
  const port = await new Promise<number>((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => {
      let address: { port: number } | undefined;
      try {
        const socket = Object.values(agent.listener?.sockets ?? {})[0] as { address(): { port: number } } | undefined;
        address = socket?.address();
      } catch {
        // Not bound yet.
      }
      if (address?.port) resolve(address.port);
      else if (Date.now() > deadline) reject(new Error('simulated switch did not bind'));
      else setTimeout(check, 10);
    };
    check();
  });
  return {
    port,
    errors,
    serve: (next) => agent.setMib(buildMib(next)),
    close: () => new Promise<void>((resolve) => agent.close(() => resolve())),
  };
}
