import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../server/provisioning/catalog.ts';
import { compileUaRules, matchUserAgent, MAX_USER_AGENT_LENGTH } from '../../../server/provisioning/ua-match.ts';
import type { ModelProfile } from '../../../server/provisioning/types.ts';
import { realProfileEntries } from './real-profiles.ts';

const rules = compileUaRules(buildCatalog(realProfileEntries()).all());

function model(id: string, patterns: string[]): ModelProfile {
  return {
    id,
    vendor: id.split('/')[0] ?? '',
    name: id,
    family: 'f',
    dialect: 'd',
    modelToken: 't',
    files: [],
    userAgent: { patterns, samples: [] },
    lines: 1,
    keys: 0,
    oui: [],
  };
}

describe('matchUserAgent', () => {
  // Every string here is a real User-Agent quoted in VENDORS.md.
  it.each([
    ['Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37', 'yealink/t46g', '0015654aa937', '28.72.0.1'],
    ['Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0', 'yealink/t46g', undefined, '28.71.0.81'],
    ['Yealink W52P 25.80.0.15 00:15:65:b8:60:05', 'yealink/w52p', '001565b86005', '25.80.0.15'],
    ['Yealink SIP-T56A  58.80.0.25 001565f429a4', 'yealink/t56a', '001565f429a4', '58.80.0.25'],
    ['FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application', 'poly/vvx400', undefined, '4.1.4.7430'],
    ['Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)', 'cisco/spa508g', '0002fdff2103', '7.4.4'],
    ['Cisco-CP-7832-3PCC/11.0.1 (00562b043615)', 'cisco/cp-7832-3pcc', '00562b043615', '11.0.1'],
    ['Grandstream Model HW GXP2135 SW 1.0.7.97 DevId 000b828aa872', 'grandstream/gxp2135', '000b828aa872', '1.0.7.97'],
    ['Grandstream Model HW GRP2614 SW 1.0.5.15 DevId c074ad0b63ee', 'grandstream/grp2614', 'c074ad0b63ee', '1.0.5.15'],
    ['Grandstream Model HW HT801 V1.1A SW 1.0.17.5 DevId c074ad273a10', 'grandstream/ht801', 'c074ad273a10', '1.0.17.5'],
    [
      'Mozilla/4.0 (compatible; snomD785-SIP 10.1.169.16 2010.12-00001-gd311851f1 (Feb 25 2019 - 14:19:43) 00041396D9B4 SXM:0 UXM:0 UXMC:0)',
      'snom/d785',
      '00041396d9b4',
      '10.1.169.16',
    ],
    ['Fanvil X6U Pro 0.0.10 0c383e2cd782', 'fanvil/x6u', '0c383e2cd782', '0.0.10'],
    ['Fanvil X5U-V2 2.12.16.17 0c383e557eb1', 'fanvil/x5u', '0c383e557eb1', '2.12.16.17'],
    ['Aastra6731i MAC:00-08-5D-23-74-29 V:3.2.0.70-SIP', 'aastra/6731i', '00085d237429', '3.2.0.70'],
    ['Mitel6940 MAC:14-00-E9-1B-45-24 V:6.4.0.140-SIP', 'aastra/6940', '1400e91b4524', '6.4.0.140'],
  ])('reads %j as %s with MAC %s and firmware %s', (ua, id, mac, firmware) => {
    expect(matchUserAgent(rules, ua)).toEqual({ modelIds: [id], vendors: [id.split('/')[0]], ...(mac ? { mac } : {}), firmware });
  });

  it('does not mistake a longer model name for a shorter one', () => {
    expect(matchUserAgent(rules, 'Yealink SIP-T46 28.72.0.1 00:15:65:4a:a9:37')).toBeNull();
    expect(matchUserAgent(rules, 'Grandstream Model HW GXP21350 SW 1.0.7.97 DevId 000b828aa872')).toBeNull();
  });

  it('drops a MAC that is not a usable unicast address but keeps the model', () => {
    expect(matchUserAgent(rules, 'Fanvil X6U Pro 0.0.10 ffffffffffff')).toEqual({ modelIds: ['fanvil/x6u'], vendors: ['fanvil'], firmware: '0.0.10' });
  });

  it('answers null for a missing, empty, unknown or oversized User-Agent', () => {
    expect(matchUserAgent(rules, undefined)).toBeNull();
    expect(matchUserAgent(rules, '')).toBeNull();
    expect(matchUserAgent(rules, 'curl/8.5.0')).toBeNull();
    expect(matchUserAgent(rules, `Fanvil X6U Pro 0.0.10 0c383e2cd782 ${'x'.repeat(MAX_USER_AGENT_LENGTH)}`)).toBeNull();
  });

  it('lets the first pattern in order win', () => {
    const ordered = compileUaRules([model('a/first', ['^Phone']), model('b/second', ['^Phone X'])]);
    expect(matchUserAgent(ordered, 'Phone X 1.0')?.modelIds).toEqual(['a/first']);
  });

  it('returns every model that declares the very same pattern, and their vendors once each', () => {
    const shared = compileUaRules([model('a/one', ['^Base (?<firmware>\\d+)']), model('a/two', ['^Base (?<firmware>\\d+)']), model('b/three', ['^Base (?<firmware>\\d+)'])]);
    expect(matchUserAgent(shared, 'Base 7')).toEqual({ modelIds: ['a/one', 'a/two', 'b/three'], vendors: ['a', 'b'], firmware: '7' });
  });

  it('matches case-insensitively', () => {
    expect(matchUserAgent(rules, 'yealink sip-t46g 28.72.0.1 00:15:65:4A:A9:37')?.modelIds).toEqual(['yealink/t46g']);
  });

  it('answers a repeated User-Agent from what it worked out the first time, per rule list', () => {
    const first = matchUserAgent(rules, 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37');
    expect(matchUserAgent(rules, 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37')).toBe(first);
    // Another rule list with the same text is worked out on its own.
    const other = compileUaRules([model('x/only', ['^Yealink'])]);
    expect(matchUserAgent(other, 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37')?.modelIds).toEqual(['x/only']);
    expect(matchUserAgent(rules, 'curl/8.5.0')).toBeNull();
    expect(matchUserAgent(rules, 'curl/8.5.0')).toBeNull();
  });
});
