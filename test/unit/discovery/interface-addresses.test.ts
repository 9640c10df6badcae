import { describe, expect, it } from 'vitest';
import { interfaceForSource, kernelInterfaceName, resolveInterfaces, type InterfaceMap } from '../../../server/discovery/interface-addresses.ts';

const MAP: InterfaceMap = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true }],
  veth0: [
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', internal: false },
    { address: '10.77.0.1', netmask: '255.255.255.0', family: 'IPv4', internal: false },
  ],
  eth6only: [{ address: 'fd00::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', internal: false }],
};

describe('kernelInterfaceName', () => {
  it('drops the @ifN peer suffix that ip link prints for veth ends', () => {
    expect(kernelInterfaceName('veth0@if3')).toBe('veth0');
    expect(kernelInterfaceName('eth0')).toBe('eth0');
  });
});

describe('resolveInterfaces', () => {
  it('finds the IPv4 address and prefix of each named interface, suffixes removed, duplicates folded', () => {
    expect(resolveInterfaces(['veth0@if3', 'veth0', 'eth6only'], MAP)).toEqual({
      ok: true,
      interfaces: [
        { name: 'veth0', ipv4: '10.77.0.1', ipv4Prefix: 24 },
        { name: 'eth6only', ipv4: undefined, ipv4Prefix: undefined },
      ],
    });
  });

  it('names every interface that does not exist', () => {
    expect(resolveInterfaces(['nope', 'veth0', 'gone@if9'], MAP)).toEqual({
      ok: false,
      errors: ['no network interface "nope"', 'no network interface "gone@if9"'],
    });
    expect(resolveInterfaces([], MAP)).toEqual({ ok: false, errors: ['no interface named'] });
  });
});

describe('interfaceForSource', () => {
  const resolved = resolveInterfaces(['veth0', 'eth6only'], MAP);
  const interfaces = resolved.ok ? resolved.interfaces : [];
  it('matches a source inside a named subnet and nothing else', () => {
    expect(interfaceForSource(interfaces, '10.77.0.200')?.name).toBe('veth0');
    expect(interfaceForSource(interfaces, '10.78.0.2')).toBeUndefined();
    expect(interfaceForSource(interfaces, '127.0.0.1')).toBeUndefined();
    expect(interfaceForSource(interfaces, 'fd00::2')).toBeUndefined();
  });
});
