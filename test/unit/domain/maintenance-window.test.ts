import { describe, expect, it } from 'vitest';
import { inWindow, localClock, windowProblem } from '../../../server/domain/maintenance-window.ts';

const at = (iso: string) => new Date(iso);

describe('maintenance window', () => {
  it.each([
    // 2026-03-03 is a Tuesday; Berlin is UTC+1 in March before the change.
    ['2026-03-03T00:59:00Z', true, '01:59 local'],
    ['2026-03-03T01:00:00Z', false, '02:00 local, the end is exclusive'],
    ['2026-03-02T23:30:00Z', true, '00:30 local on Tuesday'],
    ['2026-03-02T21:00:00Z', false, '22:00 local, before the start'],
  ])('window 00:00–02:00 Europe/Berlin at %s is %s (%s)', (iso, expected) => {
    expect(inWindow({ start: '00:00', end: '02:00' }, 'Europe/Berlin', at(iso))).toBe(expected);
  });

  it.each([
    ['2026-03-03T21:30:00Z', true, 'Tuesday 22:30 local, evening part'],
    ['2026-03-04T02:30:00Z', true, 'Wednesday 03:30 local, morning part of Tuesday’s window'],
    ['2026-03-04T03:00:00Z', false, 'Wednesday 04:00 local, the end'],
    ['2026-03-04T21:30:00Z', false, 'Wednesday 22:30 local: Wednesday is not listed'],
    ['2026-03-03T02:30:00Z', false, 'Tuesday 03:30 local: Monday’s window, Monday not listed'],
  ])('window 22:00–04:00 on Tuesdays crossing midnight at %s is %s (%s)', (iso, expected) => {
    expect(inWindow({ start: '22:00', end: '04:00', days: ['tue'] }, 'Europe/Berlin', at(iso))).toBe(expected);
  });

  it('follows the site’s daylight-saving change, not the server’s zone', () => {
    // New York: 02:00 local is 07:00Z in winter and 06:00Z in summer.
    const window = { start: '02:00', end: '03:00' };
    expect(inWindow(window, 'America/New_York', at('2026-01-15T07:30:00Z'))).toBe(true);
    expect(inWindow(window, 'America/New_York', at('2026-07-15T07:30:00Z'))).toBe(false);
    expect(inWindow(window, 'America/New_York', at('2026-07-15T06:30:00Z'))).toBe(true);
  });

  it('treats equal start and end as the whole of each listed day', () => {
    expect(inWindow({ start: '00:00', end: '00:00' }, 'UTC', at('2026-03-03T13:00:00Z'))).toBe(true);
    expect(inWindow({ start: '00:00', end: '00:00', days: ['sun'] }, 'UTC', at('2026-03-03T13:00:00Z'))).toBe(false);
  });

  it('reads the local weekday and minute', () => {
    expect(localClock(at('2026-03-03T23:30:00Z'), 'Asia/Tokyo')).toEqual({ day: 'wed', minute: 8 * 60 + 30 });
  });

  it('names what is wrong with a window', () => {
    expect(windowProblem({ start: '24:00', end: '01:00' }, 'UTC')).toMatch(/start/);
    expect(windowProblem({ start: '01:00', end: '1:00' }, 'UTC')).toMatch(/end/);
    expect(windowProblem({ start: '01:00', end: '02:00' }, 'Mars/Olympus')).toMatch(/time zone/);
    expect(windowProblem({ start: '01:00', end: '02:00', days: ['tue'] }, 'Europe/Berlin')).toBeNull();
  });
});
