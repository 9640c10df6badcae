import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../server/provisioning/catalog.ts';
import { hasMacPlaceholder, renderFileName } from '../../../server/provisioning/file-pattern.ts';
import { identify, macsAgree } from '../../../server/provisioning/identify.ts';
import { realProfileEntries } from './real-profiles.ts';

const catalog = buildCatalog(realProfileEntries());
const ids = (path: string, userAgent?: string) => identify(catalog, { path, userAgent })?.models.map((m) => m.id);

describe('identify', () => {
  // Real requests: names from VENDORS.md request orders, User-Agents from its samples.
  it.each([
    ['/001565aabbcc.cfg', 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37', 'yealink/t46g', 'device', '001565aabbcc.cfg'],
    ['/y000000000028.cfg', 'Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0', 'yealink/t46g', 'common', 'y000000000028.cfg'],
    ['/001565F429A4.boot', 'Yealink SIP-T56A  58.80.0.25 001565f429a4', 'yealink/t56a', 'boot', '001565f429a4.boot'],
    ['/0004f214b89e.cfg', 'FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application', 'poly/vvx400', 'boot', '0004f214b89e.cfg'],
    ['/0004f214b89e-sip.cfg', 'FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application', 'poly/vvx400', 'device', '0004f214b89e-sip.cfg'],
    ['/00562b043615.xml', 'Cisco-CP-7832-3PCC/11.0.1 (00562b043615)', 'cisco/cp-7832-3pcc', 'device', '00562b043615.xml'],
    ['/7832-3pcc.xml', 'Cisco-CP-7832-3PCC/11.0.1 (00562b043615)', 'cisco/cp-7832-3pcc', 'common', '7832-3PCC.xml'],
    ['/spa508g.cfg', 'Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)', 'cisco/spa508g', 'common', 'spa508g.cfg'],
    ['/cfg000b828aa872.xml', 'Grandstream Model HW GXP2135 SW 1.0.7.97 DevId 000b828aa872', 'grandstream/gxp2135', 'device', 'cfg000b828aa872.xml'],
    ['/cfggrp2614.xml', 'Grandstream Model HW GRP2614 SW 1.0.5.15 DevId c074ad0b63ee', 'grandstream/grp2614', 'common', 'cfggrp2614.xml'],
    ['/snomd785-00041396d9b4.htm', 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.169.16 2010.12-00001-gd311851f1 (Feb 25 2019 - 14:19:43) 00041396D9B4 SXM:0 UXM:0 UXMC:0)', 'snom/d785', 'device', 'snomD785-00041396D9B4.htm'],
    ['/0c383e557eb1.cfg', 'Fanvil X5U-V2 2.12.16.17 0c383e557eb1', 'fanvil/x5u', 'device', '0c383e557eb1.cfg'],
    ['/f0v5uv200000.cfg', 'Fanvil X5U-V2 2.12.16.17 0c383e557eb1', 'fanvil/x5u', 'common', 'F0V5UV200000.cfg'],
    ['/00085d237429.cfg', 'Aastra6731i MAC:00-08-5D-23-74-29 V:3.2.0.70-SIP', 'aastra/6731i', 'device', '00085D237429.cfg'],
    ['/6940.cfg', 'Mitel6940 MAC:14-00-E9-1B-45-24 V:6.4.0.140-SIP', 'aastra/6940', 'common', '6940.cfg'],
  ])('identifies %s with its UA as the model, file kind and vendor name', (path, ua, model, kind, canonical) => {
    const ident = identify(catalog, { path, userAgent: ua });
    expect(ident?.models.map((m) => m.id)).toEqual([model]);
    expect(ident?.file.kind).toBe(kind);
    expect(ident?.canonicalName).toBe(canonical);
    expect(ident?.requested).toBe(path);
  });

  it('returns every vendor whose phones ask for a shared MAC name when no UA narrows it', () => {
    const vendors = new Set(identify(catalog, { path: '/0004f2aabbcc.cfg' })?.models.map((m) => m.vendor));
    expect([...vendors].sort()).toEqual(['aastra', 'fanvil', 'poly', 'yealink']);
  });

  it('puts the vendor that ships the MAC prefix first when no UA narrows a shared name', () => {
    expect(identify(catalog, { path: '0004f2aabbcc.cfg' })?.vendor).toBe('poly');
    expect(identify(catalog, { path: '0c383e001122.cfg' })?.vendor).toBe('fanvil');
  });

  it('gives each candidate of a shared name its own vendor MAC case', () => {
    const ident = identify(catalog, { path: '00085d237429.cfg' });
    const names = new Map(ident?.candidates?.map((c) => [c.model.vendor, c.canonicalName]));
    expect(names.get('aastra')).toBe('00085D237429.cfg');
    expect(names.get('yealink')).toBe('00085d237429.cfg');
  });

  it('keeps Cisco MPP, SPA and Obihai for {mac}.xml until the UA tells them apart', () => {
    expect(new Set(identify(catalog, { path: '0002fdff2103.xml' })?.models.map((m) => m.dialect))).toEqual(
      new Set(['cisco-mpp', 'cisco-spa', 'obihai']),
    );
    expect(ids('0002fdff2103.xml', 'Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)')).toEqual(['cisco/spa508g']);
  });

  it('narrows to the UA vendor when the UA model does not ask for that name', () => {
    // A T46U fetching the T4xS common file: the UA still says Yealink.
    expect(ids('y000000000066.cfg', 'Yealink SIP-T46U 108.86.0.45 249ad8405060')).toEqual(['yealink/t46s']);
  });

  it('reports the MAC of the name and of the UA, canonical, and says whether they agree', () => {
    const same = identify(catalog, { path: '/0004F214B89E.cfg', userAgent: 'Yealink SIP-T46G 28.72.0.1 00:04:f2:14:b8:9e' });
    expect(same).toMatchObject({ mac: '0004f214b89e', uaMac: '0004f214b89e', firmware: '28.72.0.1' });
    expect(same !== null && macsAgree(same)).toBe(true);
    const other = identify(catalog, { path: '/001565aabbcc.cfg', userAgent: 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37' });
    expect(other).toMatchObject({ mac: '001565aabbcc', uaMac: '0015654aa937' });
    expect(other !== null && macsAgree(other)).toBe(false);
  });

  it('treats a missing MAC on either side as agreement', () => {
    expect(macsAgree({ mac: '001565aabbcc' })).toBe(true);
    expect(macsAgree({ uaMac: '001565aabbcc' })).toBe(true);
    expect(macsAgree({})).toBe(true);
  });

  it('takes the firmware from a UA that carries no MAC', () => {
    const ident = identify(catalog, { path: 'y000000000028.cfg', userAgent: 'Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0' });
    expect(ident?.firmware).toBe('28.71.0.81');
    expect(ident?.uaMac).toBeUndefined();
  });

  it('treats Poly 000000000000 names as the shared files, never as a device MAC', () => {
    const master = identify(catalog, { path: '/000000000000.cfg' });
    expect(master?.models.every((m) => m.vendor === 'poly')).toBe(true);
    expect(master?.file.kind).toBe('boot');
    expect(master?.mac).toBeUndefined();
    expect(identify(catalog, { path: '000000000000-directory.xml' })?.file.kind).toBe('directory');
  });

  it('identifies a Cisco enterprise SEP file from its upper-case MAC name without any UA', () => {
    const ident = identify(catalog, { path: 'SEP0023331A2B3C.cnf.xml' });
    expect(ident).toMatchObject({ vendor: 'cisco', mac: '0023331a2b3c', canonicalName: 'SEP0023331A2B3C.cnf.xml' });
    expect(ident?.file.kind).toBe('device');
  });

  it('matches names case-insensitively', () => {
    expect(ids('CFGGXP2135.XML')).toEqual(['grandstream/gxp2135']);
    expect(ids('Y000000000000.BOOT')?.every((id) => id.startsWith('yealink/'))).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['/', 'only a slash'],
    ['//001565aabbcc.cfg', 'two leading slashes'],
    ['/cfg/001565aabbcc.cfg', 'a folder'],
    ['../001565aabbcc.cfg', 'a parent reference'],
    ['..', 'dot-dot alone'],
    ['001565aabbcc.cfg..', 'dot-dot inside'],
    ['C:\\001565aabbcc.cfg', 'a backslash'],
    ['001565aabbcc.cfg\u0000.txt', 'NUL'],
    ['001565aabbcc.cfg\r\nX-Injected: 1', 'CR LF'],
    [`${'a'.repeat(252)}.cfg`, 'more than 255 bytes'],
    ['ffffffffffff.cfg', 'the broadcast MAC'],
    ['010000000001.cfg', 'a multicast MAC'],
    ['001565aabbc.cfg', 'an 11-digit MAC'],
    ['index.html', 'a name no phone asks for'],
  ])('refuses %j (%s)', (path) => {
    expect(identify(catalog, { path })).toBeNull();
  });

  it('returns null or a candidate whose name pattern really matches, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.option(fc.string({ maxLength: 600 }), { nil: undefined }), (path, userAgent) => {
        const ident = identify(catalog, { path, userAgent });
        if (ident === null) return;
        expect(ident.canonicalName.toLowerCase()).toBe(path.replace(/^\//, '').toLowerCase());
      }),
    );
  });

  it('names every catalogue file with a MAC as renderFileName does, in the vendor\'s MAC case', () => {
    const mac = '0a1b2c3d4e5f';
    let checked = 0;
    for (const model of catalog.all()) {
      for (const file of model.files.filter((f) => hasMacPlaceholder(f.name))) {
        const expected = renderFileName(file.name, model.modelToken, mac);
        const candidate = identify(catalog, { path: expected.toLowerCase() })?.candidates?.find((c) => c.model.id === model.id && c.file === file);
        expect(candidate?.canonicalName).toBe(expected);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('ignores a User-Agent too long to be real instead of matching it', () => {
    const ua = `Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37 ${'x'.repeat(600)}`;
    expect(identify(catalog, { path: '001565aabbcc.boot', userAgent: ua })?.firmware).toBeUndefined();
  });
});
