import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import { CISCO_WINDOWS_ZONES, SNOM_ZONES, lookupZoneName } from '../../../server/provisioning/timezone-names.ts';

const YEAR = 2026;

describe('vendor time-zone names', () => {
  it.each([
    ['America/New_York', 'Eastern Standard/Daylight Time', 'USA-5'],
    ['Europe/Berlin', 'W. Europe Standard/Daylight Time', 'GER+1'],
    ['Asia/Kolkata', 'India Standard Time', 'IND+5.5'],
    ['Asia/Kathmandu', 'Nepal Standard Time', 'NPL+5.75'],
    ['Australia/Sydney', 'AUS Eastern Standard/Daylight Time', 'AUS+10'],
    ['UTC', 'Greenwich Standard Time', 'GBR-0'],
  ])('names %s for Cisco enterprise and Snom', (zone, windows, snom) => {
    expect(lookupZoneName(CISCO_WINDOWS_ZONES, zone, YEAR)).toBe(windows);
    expect(lookupZoneName(SNOM_ZONES, zone, YEAR)).toBe(snom);
  });

  it('falls back to a listed zone with the same offset and DST for an unlisted zone', () => {
    // Europe/Oslo is not listed; it shares Berlin's rules (UTC+1 with EU DST).
    expect(CISCO_WINDOWS_ZONES['Europe/Oslo']).toBeUndefined();
    const name = lookupZoneName(CISCO_WINDOWS_ZONES, 'Europe/Oslo', YEAR);
    expect(name).toMatch(/Standard\/Daylight Time$/);
    expect(lookupZoneName(CISCO_WINDOWS_ZONES, 'America/Detroit', YEAR)).toBe('Eastern Standard/Daylight Time');
  });

  it('refuses a zone whose offset no listed zone shares', () => {
    try {
      lookupZoneName(CISCO_WINDOWS_ZONES, 'Pacific/Chatham', YEAR);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.code === 'RULE_VIOLATION').toBe(true);
    }
  });
});
