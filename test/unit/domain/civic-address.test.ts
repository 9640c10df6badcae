import { describe, expect, it } from 'vitest';
import { civicDifferences, civicOf, parseCivicAddress, parsePlace } from '../../../server/domain/civic-address.ts';

const ADDRESS = { country: 'us', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' };

function errorOf(fn: () => unknown): { code?: string; field?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('parseCivicAddress', () => {
  it('accepts an address with the required fields and upper-cases the country', () => {
    expect(parseCivicAddress(ADDRESS)).toEqual({ ...ADDRESS, country: 'US' });
  });

  it.each([
    [{ ...ADDRESS, HNO: undefined }, 'address.HNO'],
    [{ ...ADDRESS, country: 'USA' }, 'address.country'],
    [{ ...ADDRESS, XYZ: '1' }, 'address.XYZ'],
    [{ ...ADDRESS, FLR: '4' }, 'address.FLR'],
    [{ ...ADDRESS, RD: 42 }, 'address.RD'],
    [{ ...ADDRESS, A3: 'Chi\ncago' }, 'address.A3'],
    [{ ...ADDRESS, LOC: 'x'.repeat(256) }, 'address.LOC'],
    ['a string', 'address'],
  ])('refuses %j naming %s', (input, field) => {
    expect(errorOf(() => parseCivicAddress(input))).toMatchObject({ code: 'INVALID_FIELD', field });
  });
});

describe('parsePlace', () => {
  it('accepts in-building fields and an absent place', () => {
    expect(parsePlace({ BLD: 'A', FLR: '41', ROOM: '4102' })).toEqual({ BLD: 'A', FLR: '41', ROOM: '4102' });
    expect(parsePlace(undefined)).toEqual({});
  });
  it('refuses street fields in a place', () => {
    expect(errorOf(() => parsePlace({ RD: 'Main' }))).toMatchObject({ field: 'place.RD' });
  });
});

describe('civicOf', () => {
  it('merges address and place in RFC 5139 order', () => {
    const civic = civicOf(parseCivicAddress(ADDRESS), { ROOM: '4102', FLR: '41' });
    expect(Object.keys(civic)).toEqual(['country', 'A1', 'A3', 'STS', 'HNO', 'FLR', 'PC', 'ROOM', 'RD']);
  });
});

describe('civicDifferences', () => {
  const mapped = civicOf(parseCivicAddress(ADDRESS), { FLR: '41', ROOM: '4102' });
  it('finds no difference when the switch agrees, ignoring case and spacing', () => {
    expect(civicDifferences({ country: 'US', A3: 'chicago', HNO: '233', FLR: '41' }, mapped)).toEqual([]);
  });
  it('compares a street sent as A6 with the mapped road', () => {
    expect(civicDifferences({ A6: 'Wacker' }, mapped)).toEqual([]);
    expect(civicDifferences({ A6: 'Lake St' }, mapped)).toEqual([{ field: 'A6', reported: 'Lake St', mapped: 'Wacker' }]);
  });
  it('lists each field that disagrees', () => {
    expect(civicDifferences({ FLR: '40', ROOM: '4102', HNO: '200' }, mapped).map((d) => d.field)).toEqual(['HNO', 'FLR']);
  });
});
