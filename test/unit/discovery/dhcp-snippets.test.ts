import { describe, expect, it } from 'vitest';
import { DEFAULT_DHCP_VENDORS, DHCP_VENDOR_RULES, dhcpSnippet, dhcpVendorFacts } from '../../../server/discovery/dhcp-snippets.ts';

const BASE = { publicUrl: 'http://192.0.2.10:8080/', tftpHost: '192.0.2.10' };
const HEX_URL = Buffer.from('http://192.0.2.10:8080/').toString('hex');

describe('dhcpSnippet (ISC dhcpd)', () => {
  const isc = dhcpSnippet({ format: 'isc', ...BASE });

  it('declares options 160 and 150 before using them', () => {
    expect(isc).toContain('option deskprov-provisioning-url code 160 = text;');
    expect(isc).toContain('option deskprov-cisco-tftp code 150 = array of ip-address;');
  });

  it('matches Yealink by every OUI, skipping the hardware type byte', () => {
    const yealink = /class "deskprov-yealink" \{[^}]*\}/.exec(isc)?.[0] ?? '';
    for (const oui of ['00:15:65', '24:9a:d8', '44:db:d2', '80:5e:c0']) expect(yealink).toContain(`substring(hardware, 1, 3) = ${oui}`);
    expect(yealink).toContain('option tftp-server-name "http://192.0.2.10:8080/";');
  });

  it('sends Poly option 160, Cisco enterprise option 150, and matches Cisco by option 60 prefix', () => {
    expect(isc).toMatch(/class "deskprov-poly" \{[^}]*option deskprov-provisioning-url "http:\/\/192\.0\.2\.10:8080\/";/);
    expect(isc).toMatch(/class "deskprov-cisco-enterprise" \{\n  match if substring\(option vendor-class-identifier, 0, 28\) = "Cisco Systems, Inc\. IP Phone";\n  option deskprov-cisco-tftp 192\.0\.2\.10;/);
  });

  it('encodes option 43 sub-options as code, length, URL bytes for Aastra (2) and Snom (66)', () => {
    const colon = (hex: string) => (hex.match(/../g) ?? []).join(':');
    expect(isc).toContain(`option vendor-encapsulated-options ${colon(`0217${HEX_URL}`)};`);
    expect(isc).toContain(`option vendor-encapsulated-options ${colon(`4217${HEX_URL}`)};`);
  });
});

describe('dhcpSnippet (Kea)', () => {
  const kea = dhcpSnippet({ format: 'kea', ...BASE });
  const members = JSON.parse(`{${kea.replace(/^#.*$/gm, '')}}`) as {
    'option-def': Array<{ code: number; type: string }>;
    'client-classes': Array<{ name: string; test: string; 'option-data': Array<Record<string, unknown>> }>;
  };

  it('is the members of a Dhcp4 object: option definitions and one client class per vendor rule', () => {
    expect(members['option-def'].map((d) => [d.code, d.type])).toEqual([[160, 'string'], [150, 'ipv4-address']]);
    expect(members['client-classes'].map((c) => c.name)).toEqual(DHCP_VENDOR_RULES.map((r) => `deskprov-${r.id}`));
  });

  it('tests OUIs on pkt4.mac and vendor classes on option 60, and always sends the options', () => {
    const snom = members['client-classes'].find((c) => c.name === 'deskprov-snom');
    expect(snom?.test).toBe("substring(option[60].hex, 0, 4) == 'snom' or substring(pkt4.mac, 0, 3) == 0x000413");
    expect(snom?.['option-data']).toContainEqual({ name: 'vendor-encapsulated-options', code: 43, 'csv-format': false, data: `4217${HEX_URL}`.toUpperCase(), 'always-send': true });
    expect(members['client-classes'].flatMap((c) => c['option-data']).every((o) => o['always-send'] === true)).toBe(true);
  });
});

describe('dhcpSnippet (dnsmasq)', () => {
  const dnsmasq = dhcpSnippet({ format: 'dnsmasq', ...BASE });

  it('tags by MAC wildcard and comma-free vendor class, then forces the options', () => {
    expect(dnsmasq).toContain('dhcp-mac=set:deskprov-fanvil,0c:38:3e:*:*:*');
    expect(dnsmasq).toContain('dhcp-vendorclass=set:deskprov-cisco-enterprise,Cisco Systems\n');
    expect(dnsmasq).toContain('dhcp-vendorclass=set:deskprov-cisco-mpp,-3PCC\n');
    expect(dnsmasq).toContain('dhcp-option-force=tag:deskprov-poly,160,"http://192.0.2.10:8080/"');
    expect(dnsmasq).toContain('dhcp-option-force=tag:deskprov-cisco-enterprise,150,192.0.2.10');
  });
});

describe('dhcpSnippet inputs', () => {
  it('leaves option 150 out, and says so, when the TFTP host is a name', () => {
    const out = dhcpSnippet({ format: 'isc', publicUrl: 'http://prov.example/', tftpHost: 'tftp.example' });
    expect(out).not.toContain('option deskprov-cisco-tftp tftp');
    expect(out).toContain('Option 150 left out');
    expect(out).toContain('option tftp-server-name "tftp.example";');
  });

  it('adds the trailing slash to the public URL', () => {
    expect(dhcpSnippet({ format: 'dnsmasq', publicUrl: 'http://192.0.2.10:8080/prov', tftpHost: '192.0.2.10' })).toContain('"http://192.0.2.10:8080/prov/"');
  });

  it('drops OUI-only vendors the catalogue has no OUIs for', () => {
    const out = dhcpSnippet({ format: 'isc', ...BASE, vendors: [{ vendor: 'yealink', ouis: ['001565'] }] });
    expect(out).toContain('deskprov-yealink');
    expect(out).not.toContain('deskprov-poly');
    expect(out).toContain('deskprov-cisco-spa');
  });

  it.each([
    ['a non-URL', { publicUrl: 'not a url' }, 'publicUrl'],
    ['an ftp URL', { publicUrl: 'ftp://192.0.2.10/' }, 'publicUrl'],
    ['an overlong URL', { publicUrl: `http://192.0.2.10/${'a'.repeat(300)}` }, 'publicUrl'],
    ['a TFTP host with a quote', { tftpHost: '192.0.2.10"; evil' }, 'tftpHost'],
  ])('refuses %s', (_label, override, field) => {
    expect(() => dhcpSnippet({ format: 'kea', ...BASE, ...override })).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field }));
  });
});

describe('dhcpVendorFacts', () => {
  it('folds per-model OUIs into one sorted, de-duplicated list per vendor, dropping malformed ones', () => {
    expect(
      dhcpVendorFacts([
        { vendor: 'yealink', oui: ['805ec0', '001565'] },
        { vendor: 'yealink', oui: ['001565', 'XYZ'] },
        { vendor: 'snom', oui: ['000413'] },
      ]),
    ).toEqual([
      { vendor: 'yealink', ouis: ['001565', '805ec0'] },
      { vendor: 'snom', ouis: ['000413'] },
    ]);
  });

  it('has a built-in table covering every OUI-matched rule', () => {
    for (const rule of DHCP_VENDOR_RULES.filter((r) => r.ouiVendor !== undefined)) {
      expect(DEFAULT_DHCP_VENDORS.find((v) => v.vendor === rule.ouiVendor)?.ouis.length).toBeGreaterThan(0);
    }
  });
});
