import { describe, expect, it } from 'vitest';
import {
  civicFields,
  describeTarget,
  dialledDigits,
  dispatchableText,
  emergencyNumbersFor,
  isSameCall,
  matchEmergency,
  retryDelayMs,
} from '../../../server/domain/emergency-call.ts';

describe('emergency numbers per country', () => {
  it('gives the US 911 and the 933 test line, the UK 999 and 112, an EU member 112, and an unknown country 112 and 911', () => {
    expect(emergencyNumbersFor('US')).toEqual([{ number: '911', test: false }, { number: '933', test: true }]);
    expect(emergencyNumbersFor('gb').map((e) => e.number)).toEqual(['999', '112']);
    expect(emergencyNumbersFor('AT').map((e) => e.number)).toEqual(['112']);
    expect(emergencyNumbersFor('ZZ').map((e) => e.number)).toEqual(['112', '911']);
    expect(emergencyNumbersFor(null).map((e) => e.number)).toEqual(['112', '911']);
  });

  it('adds configured numbers once', () => {
    expect(emergencyNumbersFor('US', ['112', '911']).map((e) => e.number)).toEqual(['911', '933', '112']);
  });
});

describe('matching a dialled number', () => {
  const us = emergencyNumbersFor('US');

  it.each([
    ['911', '911'],
    [' 9-1-1 ', '911'],
    ['sip:911@pbx.example.com;user=phone', '911'],
    ['tel:911', '911'],
    ['933', '933'],
  ])('%j reaches %s', (dialled, number) => {
    expect(matchEmergency(dialled, us)?.number).toBe(number);
  });

  it.each([['9110'], ['1911'], ['+13125550100'], ['1001'], [''], ['sip:@pbx'], ['91a1']])('%j is no emergency call', (dialled) => {
    expect(matchEmergency(dialled, us)).toBeNull();
  });

  it('takes an outside-line prefix only when one is configured', () => {
    expect(matchEmergency('9911', us)).toBeNull();
    expect(matchEmergency('9911', us, ['9'])?.number).toBe('911');
    expect(matchEmergency('911', us, ['9'])?.number).toBe('911');
  });

  it('keeps the digits of a dialled number and refuses text that is none', () => {
    expect(dialledDigits('sips:+49 (30) 112@x')).toBe('+4930112');
    expect(dialledDigits('alice')).toBeNull();
  });

  it('reads the user part of the forms a phone\'s remote-party variable takes', () => {
    expect(dialledDigits('sip:911@10.0.0.1:5060;user=phone')).toBe('911');
    expect(dialledDigits('911@pbx.example.com')).toBe('911');
    expect(dialledDigits('<sip:911@pbx.example.com>')).toBe('911');
    expect(dialledDigits('"Emergency" <sip:911@pbx.example.com;transport=tcp>')).toBe('911');
    expect(dialledDigits('*911#')).toBe('*911#');
    expect(dialledDigits('<sip:alice@pbx.example.com>')).toBeNull();
    expect(dialledDigits('<sip:911@pbx')).toBeNull();
  });
});

describe('what the notice says', () => {
  const address = { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' };

  it('reads the dispatchable location street first, then the place, then the city', () => {
    expect(dispatchableText(address, { BLD: 'A', FLR: '41', ROOM: '4102' })).toBe('233 Wacker Dr, Building A, Floor 41, Room 4102, Chicago IL 60606, US');
    expect(dispatchableText({ ...address, NAM: 'Willis Tower' }, {})).toBe('Willis Tower, 233 Wacker Dr, Chicago IL 60606, US');
  });

  it('lists civic fields in RFC 5139 order with the place merged in', () => {
    expect(Object.keys(civicFields(address, { FLR: '41' }))).toEqual(['country', 'A1', 'A3', 'STS', 'HNO', 'FLR', 'PC', 'RD']);
  });

  it('names a web target by its origin only, since its path or query may hold a token', () => {
    expect(describeTarget('https://hooks.example.com/services/T0/B0/s3cret?x=1')).toBe('https://hooks.example.com/…');
    expect(describeTarget('mailto:security@example.com')).toBe('mailto:security@example.com');
  });
});

describe('the same call reported twice', () => {
  it('is the same call by call id, or by time within the window when either has no id', () => {
    const told = [{ at: 1_000_000, callId: 'a' }];
    expect(isSameCall(told, { at: 9_000_000, callId: 'a' }, 60_000)).toBe(true);
    expect(isSameCall(told, { at: 1_010_000, callId: 'b' }, 60_000)).toBe(false);
    expect(isSameCall(told, { at: 1_059_999 }, 60_000)).toBe(true);
    expect(isSameCall(told, { at: 1_060_000 }, 60_000)).toBe(false);
    expect(isSameCall([], { at: 1 }, 60_000)).toBe(false);
  });
});

describe('retry delays', () => {
  it('double from the base and stop at the cap', () => {
    expect([2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});
