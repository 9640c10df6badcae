import { describe, expect, it } from 'vitest';
import { networkGuard, parseSourceAddress, sourceAddressText, unionGuard } from '../../../server/domain/site-network-guard.ts';

describe('site network guard', () => {
  it('allows addresses inside an IPv4 network and refuses those outside', () => {
    const guard = networkGuard(['10.1.0.0/16']);
    expect(guard.allows('10.1.2.3')).toBe(true);
    expect(guard.allows('10.2.0.1')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 sources against IPv4 networks', () => {
    const guard = networkGuard(['192.168.5.0/24']);
    expect(guard.allows('::ffff:192.168.5.20')).toBe(true);
    expect(guard.allows('::ffff:192.168.6.20')).toBe(false);
  });

  it('matches IPv6 sources against IPv6 networks only', () => {
    const guard = networkGuard(['2001:db8:10::/48', '10.0.0.0/8']);
    expect(guard.allows('2001:db8:10::42')).toBe(true);
    expect(guard.allows('[2001:db8:10::42]')).toBe(true);
    expect(guard.allows('2001:db8:11::1')).toBe(false);
    expect(guard.allows('::1')).toBe(false);
  });

  it('refuses anything that is not an address', () => {
    const guard = networkGuard(['0.0.0.0/0']);
    expect(guard.allows('not-an-ip')).toBe(false);
    expect(guard.allows('')).toBe(false);
    expect(parseSourceAddress('999.1.1.1')).toBeNull();
    // Asked again (answered from memory): still refused, for the guard too.
    expect(parseSourceAddress('999.1.1.1')).toBeNull();
    expect(guard.allows('not-an-ip')).toBe(false);
  });

  it('gives the same answer for an address asked many times, across more addresses than it remembers', () => {
    const guard = networkGuard(['10.0.0.0/16']);
    for (let i = 0; i < 5_000; i += 1) {
      const inside = `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      expect(guard.allows(inside)).toBe(true);
      expect(guard.allows(`::ffff:${inside}`)).toBe(true);
      expect(parseSourceAddress(`::ffff:${inside}`)?.toString()).toBe(inside);
    }
    expect(guard.allows('10.1.0.1')).toBe(false);
    expect(guard.allows('10.1.0.1')).toBe(false);
  });

  it('writes a source as logged: IPv4-mapped unwrapped, IPv6 in canonical form, anything else as given', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(sourceAddressText('::ffff:10.0.0.5')).toBe('10.0.0.5');
      expect(sourceAddressText('10.0.0.5')).toBe('10.0.0.5');
      expect(sourceAddressText('FD00:0:0::1')).toBe('fd00::1');
      expect(sourceAddressText('not-an-ip')).toBe('not-an-ip');
    }
  });

  it('is open when no network is declared, and the union covers every site', () => {
    expect(networkGuard([]).open).toBe(true);
    expect(networkGuard([]).allows('203.0.113.9')).toBe(true);
    const union = unionGuard([{ networks: ['10.1.0.0/16'] }, { networks: ['fd00::/8'] }]);
    expect(union.allows('10.1.0.1')).toBe(true);
    expect(union.allows('fd12::1')).toBe(true);
    expect(union.allows('172.16.0.1')).toBe(false);
  });

  it('ignores an unparseable entry without opening the guard', () => {
    const guard = networkGuard(['garbage', '10.0.0.0/8']);
    expect(guard.open).toBe(false);
    expect(guard.allows('10.9.9.9')).toBe(true);
    expect(guard.allows('11.0.0.1')).toBe(false);
  });
});
