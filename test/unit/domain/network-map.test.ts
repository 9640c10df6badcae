import { describe, expect, it } from 'vitest';
import {
  assertNoConflict,
  bssidMatches,
  findConflict,
  normaliseBssid,
  normaliseLldpId,
  normaliseNetworkMapEntry,
  type NetworkMapEntry,
  type NetworkMapInput,
} from '../../../server/domain/network-map.ts';

function stored(id: string, input: NetworkMapInput): NetworkMapEntry {
  return { id, ...normaliseNetworkMapEntry(input) };
}

function codeOf(fn: () => unknown): { code?: string; field?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('normaliseBssid', () => {
  it.each([
    ['00-1A-2B-3C-4D-5E', '00:1a:2b:3c:4d:5e'],
    ['001a2b3c4d5e', '00:1a:2b:3c:4d:5e'],
    ['00:1a:2b:3c:4d:5*', '00:1a:2b:3c:4d:5*'],
    ['00-1A-2B-3C-4D-**', '00:1a:2b:3c:4d:**'],
  ])('writes %s as %s', (input, want) => {
    expect(normaliseBssid(input)).toBe(want);
  });

  it.each(['00:1a:2b:3c:4d:*5', '00:1a:2b:3c:4*:**', '00:1a:2b:3c:4d', 'zz:1a:2b:3c:4d:5e', ''])(
    'refuses %j, naming the bssid field',
    (input) => {
      expect(codeOf(() => normaliseBssid(input))).toMatchObject({ code: 'INVALID_FIELD', field: 'bssid' });
    },
  );

  it('matches reported BSSIDs in any spelling against a wildcard', () => {
    expect(bssidMatches('00:1a:2b:3c:4d:**', '00-1A-2B-3C-4D-FF')).toBe(true);
    expect(bssidMatches('00:1a:2b:3c:4d:**', '00:1a:2b:3c:4e:00')).toBe(false);
    expect(bssidMatches('00:1a:2b:3c:4d:**', 'garbage')).toBe(false);
  });
});

describe('normaliseLldpId', () => {
  it('turns MAC-looking ids into lowercase colon form whatever the subtype', () => {
    expect(normaliseLldpId('00-00-5E-00-53-01', 'local')).toEqual({ type: 'mac', value: '00:00:5e:00:53:01' });
    expect(normaliseLldpId('0000.5e00.5301')).toEqual({ type: 'mac', value: '00:00:5e:00:53:01' });
  });
  it('keeps other ids as sent, trimmed, with the subtype lower-cased', () => {
    expect(normaliseLldpId(' Gi1/0/24 ', 'IfName')).toEqual({ type: 'ifname', value: 'Gi1/0/24' });
  });
});

describe('normaliseNetworkMapEntry', () => {
  it('builds the key of a switch port from the normalised chassis and port', () => {
    const e = normaliseNetworkMapEntry({ locationId: 'l1', kind: 'switchPort', chassisId: '00-00-5E-00-53-01', portId: 'Gi1/0/1' });
    expect(e).toEqual({
      locationId: 'l1',
      kind: 'switchPort',
      key: '00:00:5e:00:53:01|Gi1/0/1',
      chassisId: { type: 'mac', value: '00:00:5e:00:53:01' },
      portId: 'Gi1/0/1',
    });
  });

  it('normalises IPv6 subnets to their short form', () => {
    expect(normaliseNetworkMapEntry({ locationId: 'l1', kind: 'subnet', cidr: '2001:0db8:0000::/48' }).key).toBe('2001:db8::/48');
  });

  it.each<[NetworkMapInput, string]>([
    [{ locationId: 'l1', kind: 'subnet', cidr: '10.0.0.5/24' }, 'cidr'],
    [{ locationId: 'l1', kind: 'subnet', cidr: '10.0.0.0' }, 'cidr'],
    [{ locationId: 'l1', kind: 'subnet' }, 'cidr'],
    [{ locationId: 'l1', kind: 'switchPort', chassisId: 'abc' }, 'portId'],
    [{ locationId: 'l1', kind: 'switch' }, 'chassisId'],
    [{ locationId: 'l1', kind: 'bssid', bssid: '00:1a' }, 'bssid'],
    [{ locationId: '', kind: 'bssid', bssid: '00:1a:2b:3c:4d:5e' }, 'locationId'],
    [{ locationId: 'l1', kind: 'router' as 'switch' }, 'kind'],
  ])('refuses %j naming field %s', (input, field) => {
    expect(codeOf(() => normaliseNetworkMapEntry(input))).toMatchObject({ code: 'INVALID_FIELD', field });
  });
});

describe('findConflict', () => {
  const existing = [
    stored('w', { locationId: 'l1', kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:**' }),
    stored('x', { locationId: 'l1', kind: 'bssid', bssid: '11:22:33:44:55:66' }),
    stored('p', { locationId: 'l1', kind: 'switchPort', chassisId: '00:00:5e:00:53:01', portId: 'Gi1/0/1' }),
    stored('s', { locationId: 'l1', kind: 'subnet', cidr: '10.0.0.0/8' }),
  ];

  it.each<[string, NetworkMapInput, string | null]>([
    ['a BSSID inside an existing wildcard, even for the same location', { locationId: 'l1', kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:01' }, 'w'],
    ['a wildcard covering an existing BSSID', { locationId: 'l2', kind: 'bssid', bssid: '11:22:33:44:55:6*' }, 'x'],
    ['an exact duplicate BSSID in another spelling', { locationId: 'l2', kind: 'bssid', bssid: '11-22-33-44-55-66' }, 'x'],
    ['the same switch port spelled differently', { locationId: 'l2', kind: 'switchPort', chassisId: '00005E005301', portId: 'Gi1/0/1' }, 'p'],
    ['an identical subnet', { locationId: 'l2', kind: 'subnet', cidr: '10.0.0.0/8' }, 's'],
  ])('refuses %s', (_title, input, want) => {
    expect(findConflict(normaliseNetworkMapEntry(input), existing)?.id ?? null).toBe(want);
  });

  it.each<[string, NetworkMapInput]>([
    ['a BSSID next to a wildcard range', { locationId: 'l1', kind: 'bssid', bssid: 'aa:bb:cc:dd:ef:01' }],
    ['another port on the same switch', { locationId: 'l1', kind: 'switchPort', chassisId: '00:00:5e:00:53:01', portId: 'Gi1/0/2' }],
    ['a longer subnet inside an existing one (longest wins)', { locationId: 'l2', kind: 'subnet', cidr: '10.1.0.0/16' }],
    ['a switch entry for a chassis that has port entries', { locationId: 'l2', kind: 'switch', chassisId: '00:00:5e:00:53:01' }],
  ])('accepts %s', (_title, input) => {
    expect(findConflict(normaliseNetworkMapEntry(input), existing)).toBeNull();
  });

  it('throws CONFLICT naming the field and the existing entry', () => {
    const e = normaliseNetworkMapEntry({ locationId: 'l1', kind: 'bssid', bssid: 'aa:bb:cc:dd:ee:0*' });
    expect(codeOf(() => assertNoConflict(e, existing))).toMatchObject({
      code: 'CONFLICT',
      field: 'bssid',
      details: { existingId: 'w' },
    });
  });
});
