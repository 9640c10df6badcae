import { describe, expect, it } from 'vitest';
import { parseE164, parseRegion } from '../../../server/domain/e164.ts';

describe('parseE164', () => {
  it.each(['+4930123456', '+12025550123', '+999999999999999'])('accepts %s', (n) => {
    expect(parseE164(n)).toBe(n);
  });

  it.each(['4930123456', '+0301234', '+1', '+1234567890123456', '+49 30 123', '+49-30'])('refuses %s', (n) => {
    expect(() => parseE164(n)).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field: 'e164' }));
  });
});

describe('parseRegion', () => {
  it('accepts ISO 3166-1 alpha-2 and refuses the rest', () => {
    expect(parseRegion('DE')).toBe('DE');
    expect(() => parseRegion('de')).toThrow();
    expect(() => parseRegion('DEU')).toThrow();
  });
});
