import { describe, expect, it } from 'vitest';
import { checkCallbackRegion, validateLocationFields } from '../../../server/domain/e911-location.ts';

const base = {
  name: 'Desk 41-02',
  address: { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', HNO: '233', PC: '60606' },
  place: { FLR: '41' },
  callbackNumber: '+13125550100',
};

function errorOf(fn: () => unknown): { code?: string; field?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('validateLocationFields', () => {
  it('accepts a location with notify targets of every accepted scheme', () => {
    const targets = ['mailto:security@example.com', 'sip:desk@pbx.example.com', 'tel:+13125550199', 'https://hooks.example.com/911', 'http://alarm.lan.example.com/911'];
    expect(validateLocationFields({ ...base, notifyTargets: targets })).toEqual({ ...base, notifyTargets: targets });
  });

  it.each([
    [{ callbackNumber: '3125550100' }, 'callbackNumber'],
    [{ notifyTargets: ['ftp://files.example.com/911'] }, 'notifyTargets[0]'],
    [{ notifyTargets: Array.from({ length: 21 }, () => 'tel:+1') }, 'notifyTargets'],
    [{ name: '' }, 'name'],
    [{ place: { RD: 'x' } }, 'place.RD'],
  ])('refuses %j naming %s', (override, field) => {
    expect(errorOf(() => validateLocationFields({ ...base, ...override }))).toMatchObject({ field });
  });
});

describe('checkCallbackRegion', () => {
  it('accepts a number of the address country and refuses another with 422', () => {
    expect(() => checkCallbackRegion('US', { country: 'US' })).not.toThrow();
    expect(errorOf(() => checkCallbackRegion('DE', { country: 'US' }))).toMatchObject({ code: 'RULE_VIOLATION', field: 'callbackNumber' });
  });
});
