import { describe, expect, it } from 'vitest';
import { checkSipContact, contactOnSiteNetworks, parseSipContact, sipUriOf } from '../../../server/domain/sip-contact.ts';

describe('SIP contact a phone reports', () => {
  it('reads an IPv4 or bracketed IPv6 literal with a port, in canonical form', () => {
    expect(parseSipContact('10.1.2.3:5062')).toEqual({ ip: '10.1.2.3', port: 5062 });
    expect(parseSipContact('[FD00:0:0::7]:5060')).toEqual({ ip: 'fd00::7', port: 5060 });
    expect(parseSipContact('127.0.0.1:1')).toEqual({ ip: '127.0.0.1', port: 1 });
    expect(parseSipContact('127.0.0.1:65535')).toEqual({ ip: '127.0.0.1', port: 65535 });
  });

  it.each([
    ['no port', '10.1.2.3'],
    ['port 0', '10.1.2.3:0'],
    ['port above 65535', '10.1.2.3:65536'],
    ['an octet above 255', '10.1.2.300:5060'],
    ['a leading-zero octet (octal on some stacks)', '010.1.2.3:5060'],
    ['a host name', 'pbx.example.com:5060'],
    ['IPv6 without brackets', 'fd00::7:5060'],
    ['an IPv6 zone', '[fe80::1%eth0]:5060'],
    ['a SIP URI', 'sip:10.1.2.3:5060'],
    ['trailing parameters', '10.1.2.3:5060;transport=tcp'],
    ['a CRLF injection', '10.1.2.3:5060\r\nVia: x'],
    ['multicast (the SIP PnP group)', '224.0.1.75:5060'],
    ['broadcast', '255.255.255.255:5060'],
    ['the unspecified address', '0.0.0.0:5060'],
    ['IPv6 multicast', '[ff02::1]:5060'],
    ['an empty string', ''],
  ])('refuses %s', (_why, text) => {
    expect(parseSipContact(text)).toBeNull();
  });

  it('checks a stored contact object and refuses anything beyond ip and port', () => {
    expect(checkSipContact({ ip: '10.1.2.3', port: 5062 })).toEqual({ ip: '10.1.2.3', port: 5062 });
    expect(checkSipContact({ ip: '10.1.2.3', port: 5062.5 })).toBeNull();
    expect(checkSipContact({ ip: '10.1.2.3', port: '5062' })).toBeNull();
    expect(checkSipContact({ ip: '10.1.2.3', port: 5062, user: 'alice' })).toBeNull();
    expect(checkSipContact({ ip: 'pbx', port: 5062 })).toBeNull();
    expect(checkSipContact(null)).toBeNull();
    expect(checkSipContact('10.1.2.3:5062')).toBeNull();
    expect(checkSipContact([])).toBeNull();
  });

  it('writes the sip: URI with IPv6 in brackets', () => {
    expect(sipUriOf({ ip: '10.1.2.3', port: 5062 })).toBe('sip:10.1.2.3:5062');
    expect(sipUriOf({ ip: 'fd00::7', port: 5060 })).toBe('sip:[fd00::7]:5060');
  });

  it('accepts a contact on the site networks, or any when the site lists none', () => {
    const networks = ['10.0.0.0/8', 'fd00::/8'];
    expect(contactOnSiteNetworks({ ip: '10.1.2.3', port: 5060 }, networks)).toBe(true);
    expect(contactOnSiteNetworks({ ip: 'fd00::7', port: 5060 }, networks)).toBe(true);
    expect(contactOnSiteNetworks({ ip: '192.168.1.9', port: 5060 }, networks)).toBe(false);
    expect(contactOnSiteNetworks({ ip: '192.168.1.9', port: 5060 }, [])).toBe(true);
  });
});
