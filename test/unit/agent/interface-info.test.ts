import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  parseDefaultRoute,
  parseNeighborMac,
  pickInterface,
  primaryAddress,
  readInterfaceInfo,
} from '../../../agent/interface-info.ts';
import type { Runner } from '../../../agent/run-command.ts';

const v4 = (address: string, cidr: string, internal = false): NetworkInterfaceInfo => ({
  address, cidr, internal, family: 'IPv4', netmask: '255.255.255.0', mac: '02:00:00:00:00:01',
});
const v6 = (address: string, cidr: string): NetworkInterfaceInfo => ({
  address, cidr, internal: false, family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::', mac: '02:00:00:00:00:01', scopeid: 0,
});

// Sample output of iproute2 6.1 `ip -j route show default` and `ip -j neigh show <gw>`.
const ROUTES = '[{"dst":"default","gateway":"10.231.1.1","dev":"eth0","flags":[]},{"dst":"default","gateway":"192.0.2.1","dev":"wlan0","metric":600,"flags":[]}]';
const NEIGH = '[{"dst":"10.231.1.1","dev":"eth0","lladdr":"02:AA:BB:CC:DD:01","state":["REACHABLE"]}]';

describe('interface facts', () => {
  const ifs = { lo: [v4('127.0.0.1', '127.0.0.1/8', true)], eth0: [v6('fe80::1', 'fe80::1/64'), v4('10.231.1.2', '10.231.1.2/24')], wlan0: [v6('2001:db8:41::5', '2001:db8:41::5/64')] };

  it('picks the asked interface, else the default route\'s, else the first with an outside address', () => {
    expect(pickInterface(ifs, 'wlan0', 'eth0')).toBe('wlan0');
    expect(pickInterface(ifs, undefined, 'eth0')).toBe('eth0');
    expect(pickInterface(ifs, undefined, 'gone0')).toBe('eth0');
    expect(pickInterface({ lo: ifs.lo }, undefined, undefined)).toBeNull();
  });

  it('reports IPv4 first, then a global IPv6 address, never link-local', () => {
    expect(primaryAddress(ifs.eth0)).toBe('10.231.1.2/24');
    expect(primaryAddress(ifs.wlan0)).toBe('2001:db8:41::5/64');
    expect(primaryAddress([v6('fe80::1', 'fe80::1/64')])).toBeUndefined();
  });

  it('reads the default gateway for the interface and its MAC', () => {
    expect(parseDefaultRoute(ROUTES, 'wlan0')).toEqual({ gateway: '192.0.2.1', dev: 'wlan0' });
    expect(parseDefaultRoute('not json')).toEqual({});
    expect(parseNeighborMac(NEIGH, '10.231.1.1')).toBe('02:AA:BB:CC:DD:01');
    expect(parseNeighborMac('[{"dst":"10.231.1.1","state":["FAILED"]}]', '10.231.1.1')).toBeUndefined();
  });

  it('puts it together from iproute2 output', async () => {
    const run: Runner = async (_cmd, args) => ({ ok: true, stdout: args.includes('route') ? ROUTES : NEIGH });
    expect(await readInterfaceInfo(run, ifs)).toEqual({
      interface: 'eth0', ip: '10.231.1.2/24', gateway: '10.231.1.1', gatewayMac: '02:aa:bb:cc:dd:01',
    });
  });

  it('still reports the address when iproute2 is missing', async () => {
    const run: Runner = async () => ({ ok: false, reason: 'ip is not installed' });
    expect(await readInterfaceInfo(run, ifs, 'eth0')).toEqual({ interface: 'eth0', ip: '10.231.1.2/24' });
  });
});
