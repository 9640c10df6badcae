import { appError } from '../errors.ts';

/**
 * IANA time zone → what each vendor's config wants. Everything is derived from Node's Intl (full
 * ICU) for one reference year: the offsets in force and the two DST transitions found in that
 * year, turned into "n-th weekday of month at local time" rules. Pure: same zone and year, same
 * answer (for one ICU/tzdata release).
 */

/** A DST transition as a recurring rule, in the wall clock in force just before it. */
export interface TransitionRule {
  /** 1 = January. */
  month: number;
  /** 1..4 = first..fourth, 5 = last occurrence in the month. */
  week: number;
  /** 0 = Sunday … 6 = Saturday (POSIX numbering). */
  weekday: number;
  /** Minutes after local midnight. */
  minutes: number;
}

export interface ZoneRules {
  zone: string;
  /** Standard-time offset, minutes east of UTC (Kolkata 330, New York −300). */
  standardOffset: number;
  /** Abbreviation usable in a POSIX TZ string (`CET`), or its quoted numeric form (`<+0545>`). */
  standardName: string;
  dst?: { offset: number; name: string; start: TransitionRule; end: TransitionRule };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(zone: string): Intl.DateTimeFormat {
  let f = offsetFormats.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      throw appError('RULE_VIOLATION', `Unknown time zone "${zone}"`, { field: 'time.timezone' });
    }
    offsetFormats.set(zone, f);
  }
  return f;
}

/** Offset (minutes east of UTC) in force at `ms`; ICU renders it as `GMT+05:45` or `GMT`. */
export function offsetAt(zone: string, ms: number): number {
  const text = offsetFormat(zone).formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(text ?? '');
  if (m === null) throw appError('INTERNAL', `Unexpected offset text for ${zone}`);
  if (m[1] === undefined) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** First minute of a transition between `lo` (old offset) and `hi` (new offset). */
function findTransition(zone: string, lo: number, hi: number): number {
  const before = offsetAt(zone, lo);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function transitionsIn(zone: string, year: number): { at: number; from: number; to: number }[] {
  const found: { at: number; from: number; to: number }[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  let prev = offsetAt(zone, Date.UTC(year, 0, 1));
  for (let t = Date.UTC(year, 0, 1); t < end; t += DAY_MS) {
    const next = offsetAt(zone, t + DAY_MS);
    if (next !== prev) found.push({ at: findTransition(zone, t, t + DAY_MS), from: prev, to: next });
    prev = next;
  }
  return found;
}

function ruleOf(at: number, oldOffset: number): TransitionRule {
  const local = new Date(at + oldOffset * MINUTE_MS);
  const day = local.getUTCDate();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  return {
    month: local.getUTCMonth() + 1,
    // A date in the month's last seven days is read as "last": the common rule (EU, Sydney's
    // April end, …) and the only one that stays right across years.
    week: day + 7 > daysInMonth ? 5 : Math.ceil(day / 7),
    weekday: local.getUTCDay(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

/** Locales whose ICU short names are alphabetic for the zones they cover (CET, AEST, IST, EST). */
const NAME_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-NZ'] as const;

function abbreviation(zone: string, ms: number, offset: number): string {
  for (const locale of NAME_LOCALES) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(ms)
      .find((p) => p.type === 'timeZoneName')?.value;
    // POSIX.1-2017 §8.3: an unquoted name is three or more letters.
    if (name !== undefined && /^[A-Za-z]{3,6}$/.test(name) && !/^GMT.+/.test(name)) return name;
  }
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = abs % 60 === 0 ? '' : String(abs % 60).padStart(2, '0');
  return `<${sign}${hh}${mm}>`;
}

const rulesCache = new Map<string, ZoneRules>();

/**
 * Offsets and DST rules of `zone` as observed in `year` (the pipeline passes the current year).
 * Memoised: a year's scan costs a few hundred ICU calls, and the answer never changes. The answer
 * is frozen and shared (a copy per call cost 1 % of a boot storm: a zone missing from a vendor's
 * table compares the rules of every zone in it).
 */
export function zoneRules(zone: string, year: number): Readonly<ZoneRules> {
  const key = `${zone}\u0000${year}`;
  let rules = rulesCache.get(key);
  if (rules === undefined) {
    rules = deepFreeze(computeZoneRules(zone, year));
    rulesCache.set(key, rules);
  }
  return rules;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function computeZoneRules(zone: string, year: number): ZoneRules {
  const transitions = transitionsIn(zone, year);
  const toDst = transitions.find((t) => t.to > t.from);
  const toStd = transitions.find((t) => t.to < t.from);
  if (toDst === undefined || toStd === undefined) {
    // No DST this year (or a one-off change of standard time): the offset at year end rules.
    const at = Date.UTC(year, 11, 31);
    const offset = offsetAt(zone, at);
    return { zone, standardOffset: offset, standardName: abbreviation(zone, at, offset) };
  }
  return {
    zone,
    standardOffset: toStd.to,
    standardName: abbreviation(zone, toStd.at + DAY_MS, toStd.to),
    dst: {
      offset: toDst.to,
      name: abbreviation(zone, toDst.at + DAY_MS, toDst.to),
      start: ruleOf(toDst.at, toDst.from),
      end: ruleOf(toStd.at, toStd.from),
    },
  };
}

function hm(minutes: number, pad: boolean, seconds = false): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hh = pad ? String(h).padStart(2, '0') : String(h);
  if (seconds) return `${hh}:${String(m).padStart(2, '0')}:00`;
  return m === 0 && !pad ? hh : `${hh}:${String(m).padStart(2, '0')}`;
}

/** POSIX offset: hours WEST of UTC, so UTC+1 is `-1` and UTC+5:45 is `-5:45`. */
function posixOffset(offset: number): string {
  const sign = offset > 0 ? '-' : '';
  return `${sign}${hm(Math.abs(offset), false)}`;
}

/**
 * POSIX TZ string (POSIX.1-2017 §8.3): `EST5EDT,M3.2.0,M11.1.0`, `CET-1CEST,M3.5.0,M10.5.0/3`.
 * `verbose` spells out the DST offset and `/hh:mm:ss` times, the form Grandstream's P64 samples
 * use (`CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00`, VENDORS.md §5).
 */
export function posixTz(rules: ZoneRules, verbose = false): string {
  const std = `${rules.standardName}${posixOffset(rules.standardOffset)}`;
  if (rules.dst === undefined) return std;
  const { dst } = rules;
  const dstOffset = verbose || dst.offset - rules.standardOffset !== 60 ? posixOffset(dst.offset) : '';
  const rule = (r: TransitionRule): string => {
    const time = verbose ? `/${hm(r.minutes, true, true)}` : r.minutes === 120 ? '' : `/${hm(r.minutes, false)}`;
    return `M${r.month}.${r.week}.${r.weekday}${time}`;
  };
  return `${std}${dst.name}${dstOffset},${rule(dst.start)},${rule(dst.end)}`;
}

/** `+5:30`, `-5`, `0`: Yealink's `local_time.time_zone` form (VENDORS.md §1, sample `+1`). */
export function signedHours(offset: number): string {
  if (offset === 0) return '0';
  return `${offset < 0 ? '-' : '+'}${hm(Math.abs(offset), false)}`;
}

/** `GMT-05:00`, `GMT+05:45`, `GMT+00:00`: Cisco MPP `Time_Zone` (VENDORS.md §3). */
export function gmtHoursMinutes(offset: number): string {
  return `GMT${offset < 0 ? '-' : '+'}${hm(Math.abs(offset), true)}`;
}

/**
 * Cisco MPP `Daylight_Saving_Time_Rule`: `start=3/8/7/2:0:0;end=11/1/7/2:0:0;save=1`. A positive
 * day with a weekday means "that weekday on or after the day"; `-1` means "the last one in the
 * month"; weekdays are 1 = Monday … 7 = Sunday (Cisco SPA/MPP admin guides, ~ not verified here).
 */
export function ciscoDstRule(rules: ZoneRules): string | undefined {
  if (rules.dst === undefined) return undefined;
  const part = (r: TransitionRule): string => {
    const day = r.week === 5 ? -1 : (r.week - 1) * 7 + 1;
    const weekday = r.weekday === 0 ? 7 : r.weekday;
    return `${r.month}/${day}/${weekday}/${Math.floor(r.minutes / 60)}:${r.minutes % 60}:0`;
  };
  const save = rules.dst.offset - rules.standardOffset;
  return `start=${part(rules.dst.start)};end=${part(rules.dst.end)};save=${hm(save, false)}`;
}
