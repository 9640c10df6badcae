import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import {
  ciscoDstRule,
  gmtHoursMinutes,
  offsetAt,
  posixTz,
  signedHours,
  zoneRules,
} from '../../../server/provisioning/timezone.ts';

const YEAR = 2026;

/** Each zone's vendor forms, as the vendors document them (VENDORS.md samples where they exist). */
const CASES = [
  {
    zone: 'America/New_York',
    offset: -300,
    posix: 'EST5EDT,M3.2.0,M11.1.0',
    verbose: 'EST5EDT4,M3.2.0/02:00:00,M11.1.0/02:00:00',
    yealink: '-5',
    cisco: 'GMT-05:00',
    ciscoRule: 'start=3/8/7/2:0:0;end=11/1/7/2:0:0;save=1',
    aastraMinutes: 300,
    polySeconds: -18000,
  },
  {
    zone: 'Europe/Berlin',
    offset: 60,
    posix: 'CET-1CEST,M3.5.0,M10.5.0/3',
    verbose: 'CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00',
    yealink: '+1',
    cisco: 'GMT+01:00',
    ciscoRule: 'start=3/-1/7/2:0:0;end=10/-1/7/3:0:0;save=1',
    aastraMinutes: -60,
    polySeconds: 3600,
  },
  {
    zone: 'Asia/Kolkata',
    offset: 330,
    posix: 'IST-5:30',
    verbose: 'IST-5:30',
    yealink: '+5:30',
    cisco: 'GMT+05:30',
    ciscoRule: undefined,
    aastraMinutes: -330,
    polySeconds: 19800,
  },
  {
    zone: 'Asia/Kathmandu',
    offset: 345,
    posix: '<+0545>-5:45',
    verbose: '<+0545>-5:45',
    yealink: '+5:45',
    cisco: 'GMT+05:45',
    ciscoRule: undefined,
    aastraMinutes: -345,
    polySeconds: 20700,
  },
  {
    zone: 'Australia/Sydney',
    offset: 600,
    posix: 'AEST-10AEDT,M10.1.0,M4.1.0/3',
    verbose: 'AEST-10AEDT-11,M10.1.0/02:00:00,M4.1.0/03:00:00',
    yealink: '+10',
    cisco: 'GMT+10:00',
    ciscoRule: 'start=10/1/7/2:0:0;end=4/1/7/3:0:0;save=1',
    aastraMinutes: -600,
    polySeconds: 36000,
  },
  {
    zone: 'UTC',
    offset: 0,
    posix: 'UTC0',
    verbose: 'UTC0',
    yealink: '0',
    cisco: 'GMT+00:00',
    ciscoRule: undefined,
    aastraMinutes: 0,
    polySeconds: 0,
  },
] as const;

describe.each(CASES)('time zone $zone', (c) => {
  const rules = zoneRules(c.zone, YEAR);

  it('has the standard offset the zone keeps in winter', () => {
    expect(rules.standardOffset).toBe(c.offset);
    expect(rules.standardOffset * 60).toBe(c.polySeconds);
    // Aastra counts minutes west of UTC (`+ 0` turns UTC's -0 into 0).
    expect(-rules.standardOffset + 0).toBe(c.aastraMinutes);
  });

  it('converts to a POSIX TZ string, short and in Grandstream’s verbose form', () => {
    expect(posixTz(rules)).toBe(c.posix);
    expect(posixTz(rules, true)).toBe(c.verbose);
  });

  it('converts to Yealink and Cisco offset notations', () => {
    expect(signedHours(rules.standardOffset)).toBe(c.yealink);
    expect(gmtHoursMinutes(rules.standardOffset)).toBe(c.cisco);
  });

  it('converts its daylight-saving rule to Cisco’s start/end/save form', () => {
    expect(ciscoDstRule(rules)).toBe(c.ciscoRule);
  });
});

describe('time-zone conversion', () => {
  it('finds each DST transition at the wall-clock time it happens', () => {
    const berlin = zoneRules('Europe/Berlin', YEAR);
    // 2026-03-29 01:00 UTC is 02:00 CET, the last Sunday of March.
    expect(offsetAt('Europe/Berlin', Date.UTC(2026, 2, 29, 0, 59))).toBe(60);
    expect(offsetAt('Europe/Berlin', Date.UTC(2026, 2, 29, 1, 0))).toBe(120);
    expect(berlin.dst?.start).toEqual({ month: 3, week: 5, weekday: 0, minutes: 120 });
    expect(berlin.dst?.end).toEqual({ month: 10, week: 5, weekday: 0, minutes: 180 });
  });

  it('gives the same answer for the same zone and year, which no caller can change', () => {
    const sydney = zoneRules('Australia/Sydney', YEAR);
    expect(zoneRules('Australia/Sydney', YEAR)).toEqual(sydney);
    expect(() => {
      (sydney as { standardOffset: number }).standardOffset = 0;
    }).toThrow(TypeError);
    expect(Object.isFrozen(sydney.dst?.start)).toBe(true);
  });

  it('refuses an unknown zone with RULE_VIOLATION naming the field', () => {
    try {
      zoneRules('Mars/Olympus_Mons', YEAR);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.code === 'RULE_VIOLATION' && err.field === 'time.timezone').toBe(true);
    }
  });
});
