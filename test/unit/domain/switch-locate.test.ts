import { describe, expect, it } from 'vitest';
import { locateMacs } from '../../../server/domain/switch-locate.ts';
import { manyMacs, walkOf, type SyntheticSwitch } from '../../helpers/synthetic-switch.ts';

const chassisMac = 'aa:bb:cc:00:00:01';
const phoneA = '00:15:65:aa:bb:01';
const phoneB = '00:15:65:aa:bb:02';
const opts = { uplinkMacThreshold: 8, uplinkPorts: [] as string[] };

function access(bridgePort: number, macs: string[], extra: Partial<SyntheticSwitch['ports'][number]> = {}) {
  return { bridgePort, ifIndex: 10100 + bridgePort, ifName: `Gi1/0/${bridgePort}`, macs, ...extra };
}

describe('locating MACs on a switch', () => {
  it('reports each host MAC on an access port with chassis id and port id', () => {
    const result = locateMacs(walkOf({ chassisMac, ports: [access(1, [phoneA]), access(2, [phoneB])] }), opts);
    expect(result.chassisId).toEqual({ type: 'mac', value: chassisMac });
    expect(result.sightings).toEqual([
      { mac: '001565aabb01', chassisId: { type: 'mac', value: chassisMac }, portId: 'Gi1/0/1', ifName: 'Gi1/0/1', bridgePort: 1 },
      { mac: '001565aabb02', chassisId: { type: 'mac', value: chassisMac }, portId: 'Gi1/0/2', ifName: 'Gi1/0/2', bridgePort: 2 },
    ]);
  });

  it('uses the LLDP port id the port announces, as a phone agent would see it', () => {
    const result = locateMacs(walkOf({ chassisMac, ports: [access(1, [phoneA], { lldpPortId: 'GigabitEthernet1/0/1' })] }), opts);
    expect(result.sightings[0]?.portId).toBe('GigabitEthernet1/0/1');
  });

  it('ignores an uplink port where 50 MACs are learned', () => {
    const result = locateMacs(walkOf({ chassisMac, ports: [access(1, [phoneA]), access(48, [phoneB, ...manyMacs(49, 1)])] }), opts);
    expect(result.sightings.map((s) => s.mac)).toEqual(['001565aabb01']);
    expect(result.uplinks).toEqual([{ bridgePort: 48, portId: 'Gi1/0/48', reason: 'macCount', macs: 50 }]);
  });

  it('ignores ports an admin marked as uplinks, whatever their MAC count', () => {
    const result = locateMacs(walkOf({ chassisMac, ports: [access(1, [phoneA]), access(2, [phoneB])] }), { ...opts, uplinkPorts: ['gi1/0/2'] });
    expect(result.sightings.map((s) => s.bridgePort)).toEqual([1]);
    expect(result.uplinks[0]?.reason).toBe('marked');
  });

  it('ignores a port whose LLDP neighbour is a bridge, but not a phone that also bridges its PC port', () => {
    const sw: SyntheticSwitch = {
      chassisMac,
      ports: [
        access(1, [phoneA], { neighbour: { chassisMac: phoneA, portId: 'WAN', sysName: 'T54W', caps: ['bridge', 'telephone'] } }),
        access(2, [phoneB], { neighbour: { chassisMac: 'aa:bb:cc:00:00:02', portId: 'Gi0/1', sysName: 'floor-2', caps: ['bridge'] } }),
      ],
    };
    const result = locateMacs(walkOf(sw), opts);
    expect(result.sightings.map((s) => s.bridgePort)).toEqual([1]);
    expect(result.uplinks).toEqual([{ bridgePort: 2, portId: 'Gi1/0/2', reason: 'lldpBridge', macs: 1 }]);
  });

  it('finds a phone from its LLDP announcement when its forwarding entry has aged out', () => {
    const sw: SyntheticSwitch = { chassisMac, ports: [access(5, [], { neighbour: { chassisMac: phoneA, portId: 'WAN', sysName: 'T54W', caps: ['bridge', 'telephone'] } })] };
    expect(locateMacs(walkOf(sw), opts).sightings).toEqual([
      { mac: '001565aabb01', chassisId: { type: 'mac', value: chassisMac }, portId: 'Gi1/0/5', ifName: 'Gi1/0/5', bridgePort: 5 },
    ]);
    const both: SyntheticSwitch = { chassisMac, ports: [access(5, [phoneA], { neighbour: { chassisMac: phoneA, portId: 'WAN', sysName: 'T54W', caps: ['telephone'] } })] };
    expect(locateMacs(walkOf(both), opts).sightings).toHaveLength(1);
  });

  it('uses the known chassis id when the switch tells none, and reports nothing without one', () => {
    const walk = walkOf({ chassisMac, ports: [access(1, [phoneA])] });
    const bare = { ...walk, lldpLocChassisId: [], lldpLocChassisIdSubtype: [], bridgeAddress: [] };
    expect(locateMacs(bare, opts).sightings).toEqual([]);
    const known = locateMacs(bare, { ...opts, knownChassisId: { type: 'local', value: 'sw-1' } });
    expect(known.sightings[0]?.chassisId).toEqual({ type: 'local', value: 'sw-1' });
  });
});
