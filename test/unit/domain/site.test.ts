import { describe, expect, it } from 'vitest';
import { addressInNetworks, isTimezone, parseCidr, validateSite } from '../../../server/domain/site.ts';

const SITE = {
  name: 'HQ',
  timezone: 'America/New_York',
  networks: ['10.1.0.0/16', '2001:db8::/48'],
  extensionRange: { first: 200, last: 299 },
  registrar: { host: 'pbx.example.com' },
  tftpSecrets: false,
  checkSync: { allowed: true },
};

describe('sites', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimezone('Europe/Berlin')).toBe(true);
    expect(isTimezone('UTC')).toBe(true);
    expect(isTimezone('Mars/Olympus')).toBe(false);
    expect(isTimezone('')).toBe(false);
  });

  it('parses IPv4 and IPv6 CIDRs into canonical text', () => {
    expect(parseCidr('10.1.0.0/16', 'n')).toBe('10.1.0.0/16');
    expect(parseCidr('2001:DB8:0::/48', 'n')).toBe('2001:db8::/48');
  });

  it.each(['10.1.0.0', '10.1.0.0/33', '300.1.0.0/16', 'fe80::/129', 'pbx/24'])('refuses the CIDR %s', (cidr) => {
    expect(() => parseCidr(cidr, 'networks[0]')).toThrow(expect.objectContaining({ field: 'networks[0]' }));
  });

  it('refuses host bits and suggests the network', () => {
    expect(() => parseCidr('10.1.2.3/16', 'n')).toThrow(/10\.1\.0\.0\/16/);
  });

  it('matches addresses against networks, IPv4-mapped IPv6 included', () => {
    expect(addressInNetworks('10.1.200.7', SITE.networks)).toBe(true);
    expect(addressInNetworks('::ffff:10.1.0.9', SITE.networks)).toBe(true);
    expect(addressInNetworks('2001:db8:0:1::5', SITE.networks)).toBe(true);
    expect(addressInNetworks('192.0.2.1', SITE.networks)).toBe(false);
    expect(addressInNetworks('not-an-ip', SITE.networks)).toBe(false);
  });

  it('validates a whole site and names the field at fault', () => {
    expect(validateSite(SITE)).toEqual(SITE);
    expect(() => validateSite({ ...SITE, extensionRange: { first: 300, last: 200 } })).toThrow(
      expect.objectContaining({ field: 'extensionRange' }),
    );
    expect(() => validateSite({ ...SITE, registrar: { host: 'pbx;rm -rf' } })).toThrow(
      expect.objectContaining({ field: 'registrar.host' }),
    );
    expect(validateSite({ ...SITE, registrar: { host: '2001:db8::5' } }).registrar.host).toBe('2001:db8::5');
    expect(validateSite({ ...SITE, registrar: { host: '[2001:db8::5]' } }).registrar.host).toBe('[2001:db8::5]');
    expect(() => validateSite({ ...SITE, name: 'H\nQ' })).toThrow(expect.objectContaining({ field: 'name' }));
  });
});
