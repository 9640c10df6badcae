/**
 * Maintenance windows in a site's own time zone (IANA name, read with Intl so daylight-saving
 * changes follow the site, not the server). A window whose end is not after its start crosses
 * midnight: 22:00–04:00 is the evening of a listed day plus the small hours of the next one.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MaintenanceWindow {
  /** Local `HH:MM`, inclusive. */
  start: string;
  /** Local `HH:MM`, exclusive. Equal to `start` means the whole day. */
  end: string;
  /** Days the window opens on (the day of its start); every day when absent. */
  days?: readonly Weekday[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of `HH:MM`, or null when malformed. */
export function minutesOf(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local weekday and minute of day of `now` in `timeZone`. */
export function localClock(now: Date, timeZone: string): { day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;
}

/** True when `now` falls inside the window in `timeZone`. */
export function inWindow(window: MaintenanceWindow, timeZone: string, now: Date): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === null || end === null) return false;
  const { day, minute } = localClock(now, timeZone);
  const opensOn = (d: Weekday): boolean => window.days === undefined || window.days.includes(d);
  if (start === end) return opensOn(day);
  if (start < end) return minute >= start && minute < end && opensOn(day);
  // Crosses midnight: the evening part belongs to today, the morning part to yesterday's window.
  if (minute >= start) return opensOn(day);
  if (minute < end) return opensOn(previousDay(day));
  return false;
}

/** Why a window is unusable, or null. */
export function windowProblem(window: MaintenanceWindow, timeZone: string): string | null {
  if (minutesOf(window.start) === null) return 'window.start must be HH:MM';
  if (minutesOf(window.end) === null) return 'window.end must be HH:MM';
  if (window.days?.some((d) => !WEEKDAYS.includes(d)) === true) return `window.days are ${WEEKDAYS.join(', ')}`;
  try {
    localClock(new Date(0), timeZone);
  } catch {
    return `unknown time zone ${timeZone}`;
  }
  return null;
}
