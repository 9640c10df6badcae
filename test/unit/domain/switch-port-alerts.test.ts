import { describe, expect, it } from 'vitest';
import { normaliseNetworkMapEntry, type NetworkMapEntry } from '../../../server/domain/network-map.ts';
import { unmappedPortAlert } from '../../../server/domain/switch-port-alerts.ts';

const entry = (id: string, input: Parameters<typeof normaliseNetworkMapEntry>[0]): NetworkMapEntry => ({ id, ...normaliseNetworkMapEntry(input) });
const entries = [
  entry('p1', { locationId: 'desk-1', kind: 'switchPort', chassisId: 'AA-BB-CC-00-00-01', portId: 'Gi1/0/1' }),
  entry('s2', { locationId: 'floor-2', kind: 'switch', chassisId: 'aa:bb:cc:00:00:02' }),
];
const on = (chassis: string, port: string) => ({ chassisId: { type: 'mac', value: chassis }, portId: { type: 'ifname', value: port } });

describe('unmapped switch port alert', () => {
  it('alerts for a port of a port-mapped switch that has no entry', () => {
    expect(unmappedPortAlert(on('aa:bb:cc:00:00:01', 'Gi1/0/9'), entries)).toMatchObject({ code: 'PORT_UNMAPPED', severity: 'alert' });
  });

  it('stays quiet on a mapped port, on a switch mapped as a whole, and without LLDP evidence', () => {
    expect(unmappedPortAlert(on('AA:BB:CC:00:00:01', 'Gi1/0/1'), entries)).toBeNull();
    expect(unmappedPortAlert(on('aa:bb:cc:00:00:02', 'Gi1/0/9'), entries)).toBeNull();
    expect(unmappedPortAlert(undefined, entries)).toBeNull();
  });
});
