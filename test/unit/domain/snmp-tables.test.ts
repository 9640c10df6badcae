import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  indexOf,
  lldpIdOf,
  MAX_TABLE_ROWS,
  parseFdb,
  parseIfNames,
  parseLldpNeighbours,
  parseLocalChassis,
  parseLocalPorts,
  SWITCH_WALK_PLAN,
  type SwitchWalk,
  type Varbind,
} from '../../../server/domain/snmp-tables.ts';
import { locateMacs } from '../../../server/domain/switch-locate.ts';
import { capsBits, macBytes, walkOf } from '../../helpers/synthetic-switch.ts';

const P = SWITCH_WALK_PLAN;
const phone = '00:15:65:aa:bb:01';

describe('SNMP table decoding', () => {
  it('reads learned BRIDGE-MIB entries and skips self, static and port-0 entries', () => {
    const idx = (mac: string) => macBytes(mac).join('.');
    const walk: SwitchWalk = {
      fdbPort: [
        { oid: `${P.fdbPort}.${idx(phone)}`, value: 7 },
        { oid: `${P.fdbPort}.${idx('00:15:65:aa:bb:02')}`, value: 8 },
        { oid: `${P.fdbPort}.${idx('00:15:65:aa:bb:03')}`, value: 0 },
      ],
      fdbStatus: [
        { oid: `${P.fdbStatus}.${idx(phone)}`, value: 3 },
        { oid: `${P.fdbStatus}.${idx('00:15:65:aa:bb:02')}`, value: 4 },
      ],
    };
    expect(parseFdb(walk)).toEqual([{ mac: phone, bridgePort: 7 }]);
  });

  it('reads Q-BRIDGE-MIB entries indexed by FDB id and MAC', () => {
    const walk = walkOf({ chassisMac: 'aa:bb:cc:00:00:01', qBridge: true, ports: [{ bridgePort: 3, ifIndex: 103, ifName: 'ge-0/0/3', macs: [phone] }] });
    expect(parseFdb(walk)).toEqual([{ mac: phone, bridgePort: 3 }]);
  });

  it('maps ifIndex to ifName and ignores names with control bytes', () => {
    const names = parseIfNames([
      { oid: `${P.ifName}.1`, value: Buffer.from('Gi1/0/1') },
      { oid: `${P.ifName}.2`, value: Buffer.from('bad\nname') },
      { oid: `${P.ifName}.3.4`, value: Buffer.from('extra index') },
    ]);
    expect([...names]).toEqual([[1, 'Gi1/0/1']]);
  });

  it('names LLDP id subtypes the way lldpd does', () => {
    expect(lldpIdOf('chassis', 4, Buffer.from(macBytes('AA:BB:CC:00:00:01')))).toEqual({ type: 'mac', value: 'aa:bb:cc:00:00:01' });
    expect(lldpIdOf('chassis', 5, Buffer.from([1, 10, 0, 0, 1]))).toEqual({ type: 'ip', value: '10.0.0.1' });
    expect(lldpIdOf('port', 5, Buffer.from('Gi1/0/24'))).toEqual({ type: 'ifname', value: 'Gi1/0/24' });
    expect(lldpIdOf('port', 7, Buffer.from('24'))).toEqual({ type: 'local', value: '24' });
    expect(lldpIdOf('port', 3, Buffer.from([1, 2, 3]))).toBeNull();
  });

  it('takes the chassis id from LLDP, else from the bridge address', () => {
    const mac = 'aa:bb:cc:00:00:09';
    expect(parseLocalChassis({ bridgeAddress: [{ oid: `${P.bridgeAddress}.0`, value: Buffer.from(macBytes(mac)) }] })).toEqual({ type: 'mac', value: mac });
    expect(parseLocalChassis(walkOf({ chassisMac: mac, ports: [] }))).toEqual({ type: 'mac', value: mac });
  });

  it('reads local port ids and neighbour capabilities', () => {
    const walk = walkOf({
      chassisMac: 'aa:bb:cc:00:00:01',
      ports: [
        { bridgePort: 1, ifIndex: 1, ifName: 'Gi1/0/1', lldpPortId: 'Gi1/0/1', macs: [], neighbour: { chassisMac: '00:15:65:aa:bb:01', portId: 'WAN', sysName: 'T54W', caps: ['bridge', 'telephone'] } },
        { bridgePort: 2, ifIndex: 2, ifName: 'Gi1/0/2', macs: [], neighbour: { chassisMac: 'aa:bb:cc:00:00:02', portId: 'Gi0/1', sysName: 'core', caps: ['bridge', 'router'] } },
      ],
    });
    expect(parseLocalPorts(walk).get(1)).toEqual({ type: 'ifname', value: 'Gi1/0/1' });
    expect(parseLldpNeighbours(walk)).toEqual([
      { localPort: 1, chassisId: { type: 'mac', value: '00:15:65:aa:bb:01' }, portId: { type: 'ifname', value: 'WAN' }, sysName: 'T54W', bridge: true, telephone: true },
      { localPort: 2, chassisId: { type: 'mac', value: 'aa:bb:cc:00:00:02' }, portId: { type: 'ifname', value: 'Gi0/1' }, sysName: 'core', bridge: true, telephone: false },
    ]);
    expect(capsBits(['bridge'])[0]).toBe(0x20);
  });

  it('refuses OIDs outside the subtree or with non-numeric parts', () => {
    expect(indexOf('1.3.6.1.2.1.17.4.3.1.20.1', P.fdbPort)).toBeNull();
    expect(indexOf(`${P.fdbPort}.1.x`, P.fdbPort)).toBeNull();
    expect(indexOf(42, P.fdbPort)).toBeNull();
    expect(indexOf(`${P.fdbPort}.1.2`, P.fdbPort)).toEqual([1, 2]);
  });

  it('reads at most MAX_TABLE_ROWS rows of a table', () => {
    const rows: Varbind[] = Array.from({ length: MAX_TABLE_ROWS + 10 }, (_, i) => ({ oid: `${P.ifName}.${i + 1}`, value: Buffer.from(`p${i + 1}`) }));
    expect(parseIfNames(rows).size).toBe(MAX_TABLE_ROWS);
  });
});

const arbValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string(),
  fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
  fc.constant(null),
  fc.constant(undefined),
  fc.object(),
  fc.boolean(),
);
const tableNames = Object.keys(P) as Array<keyof typeof P>;
const arbOid = fc.oneof(
  fc.tuple(fc.constantFrom(...Object.values(P)), fc.array(fc.nat({ max: 300 }), { maxLength: 9 })).map(([p, rest]) => [p, ...rest].join('.')),
  fc.string(),
  fc.constant(`${P.fdbPort}.`),
);
const arbVarbind = fc.record({ oid: arbOid, value: arbValue }) as fc.Arbitrary<Varbind>;
const arbWalk = fc.dictionary(fc.constantFrom(...tableNames), fc.array(arbVarbind, { maxLength: 40 })) as fc.Arbitrary<SwitchWalk>;

describe('garbage SNMP responses', () => {
  it('never make the parsers or the locator throw', () => {
    fc.assert(
      fc.property(arbWalk, fc.array(fc.string(), { maxLength: 3 }), (walk, uplinkPorts) => {
        const result = locateMacs(walk, { uplinkMacThreshold: 5, uplinkPorts });
        for (const s of result.sightings) expect(s.mac).toMatch(/^[0-9a-f]{12}$/);
        parseLldpNeighbours(walk);
        parseLocalPorts(walk);
      }),
      { numRuns: 400 },
    );
  });

  it('survive a valid walk whose rows were truncated or retyped at random', () => {
    const good = walkOf({
      chassisMac: 'aa:bb:cc:00:00:01',
      ports: [{ bridgePort: 1, ifIndex: 1, ifName: 'Gi1/0/1', lldpPortId: 'Gi1/0/1', macs: [phone], neighbour: { chassisMac: '00:15:65:aa:bb:01', portId: 'WAN', sysName: 'T54W', caps: ['bridge', 'telephone'] } }],
    });
    fc.assert(
      fc.property(fc.nat(), fc.nat(), arbValue, (which, cut, value) => {
        const names = Object.keys(good) as Array<keyof SwitchWalk>;
        const name = names[which % names.length]!;
        const rows = [...good[name]!];
        const row = rows[cut % Math.max(rows.length, 1)];
        if (row !== undefined) rows[cut % rows.length] = { oid: row.oid.slice(0, row.oid.length - (cut % 6)), value };
        const damaged = { ...good, [name]: rows };
        expect(() => locateMacs(damaged, { uplinkMacThreshold: 5, uplinkPorts: [] })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
