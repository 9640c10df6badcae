import type { CivicAddress, Place } from './civic-address.ts';
import { CIVIC_ORDER } from './civic-address.ts';

/**
 * Emergency calls and who must hear of them (Kari's Law, 47 CFR 9.16: a notification to a central
 * point, with the callback number and location, contemporaneous with the call and never delaying
 * it). Pure: the dialled number, the device's place and `now` in; what to send out.
 */

/** An emergency number of a country; `test` marks a test line (US 933 reads back the location). */
export interface EmergencyNumber {
  number: string;
  test: boolean;
}

const n = (...numbers: string[]): EmergencyNumber[] => numbers.map((number) => ({ number, test: false }));

/**
 * Default emergency numbers per ISO 3166 country of the location's address. The general number
 * first; national service numbers where a caller may well dial them. 112 is the EU-wide number
 * (Directive 2018/1972 art. 109); 933 is the US test line that reads back caller id and address
 * (E911-SECURITY.md §1.1). Sites add their own with `extraNumbers`.
 */
export const DEFAULT_EMERGENCY_NUMBERS: Readonly<Record<string, readonly EmergencyNumber[]>> = {
  US: [...n('911'), { number: '933', test: true }],
  CA: n('911'),
  MX: n('911'),
  GB: n('999', '112'),
  IE: n('112', '999'),
  DE: n('112', '110'),
  FR: n('112', '15', '17', '18'),
  AU: n('000', '112'),
  NZ: n('111'),
  IN: n('112'),
  JP: n('110', '119'),
  CH: n('112', '117', '118', '144'),
};

/** Every EU/EEA member not listed above: 112. */
const EU_112 = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'GR', 'HU', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO'];

/** An address in a country without an entry: both numbers GSM phones treat as emergency numbers (3GPP TS 22.101 §10.1). */
const FALLBACK = n('112', '911');

/** The emergency numbers for a country, plus configured extra numbers (deduplicated). */
export function emergencyNumbersFor(country: string | null, extra: readonly string[] = []): EmergencyNumber[] {
  const upper = country?.toUpperCase() ?? '';
  const base = DEFAULT_EMERGENCY_NUMBERS[upper] ?? (EU_112.includes(upper) ? n('112') : FALLBACK);
  const out = [...base];
  for (const number of extra) if (!out.some((e) => e.number === number)) out.push({ number, test: false });
  return out;
}

/**
 * The digits of a dialled number: a `sip:`/`tel:` URI's user part, without visual separators
 * (RFC 3966 §5.1.1) or URI parameters. A phone's "remote" variable may hold a name-addr
 * (`"x" <sip:911@host>`, RFC 3261 §20.10) or `user@host`: the URI inside the brackets counts.
 * Null when nothing dialable is left.
 */
export function dialledDigits(raw: string): string | null {
  let text = raw.trim();
  text = text.replace(/^[^<]*<([^>]*)>.*$/, '$1').trim();
  text = text.replace(/^(?:sips?|tel):/i, '');
  text = text.replace(/[@;].*$/, '');
  text = text.replace(/[\s().-]/g, '');
  return /^\+?[0-9*#]{1,32}$/.test(text) ? text : null;
}

/**
 * The emergency number a dialled number reaches, or null. A configured outside-line prefix
 * (`9` on many PBXs) may precede it: Kari's Law requires 911 to work without one, and a PBX that
 * also takes `9911` must notify for it too.
 */
export function matchEmergency(
  dialled: string,
  numbers: readonly EmergencyNumber[],
  prefixes: readonly string[] = [],
): EmergencyNumber | null {
  const digits = dialledDigits(dialled);
  if (digits === null) return null;
  for (const candidate of ['', ...prefixes]) {
    if (candidate !== '' && !digits.startsWith(candidate)) continue;
    const rest = digits.slice(candidate.length);
    const hit = numbers.find((e) => e.number === rest);
    if (hit !== undefined) return hit;
  }
  return null;
}

/**
 * One line a dispatcher can read aloud: house number and street, then the in-building place,
 * then city, region, postal code and country (RAY BAUM'S Act §506 "dispatchable location").
 */
export function dispatchableText(address: CivicAddress, place: Place): string {
  const join = (parts: Array<string | undefined>, sep: string) => parts.filter((p) => p !== undefined && p !== '').join(sep);
  const street = join([address.HNO, address.HNS, address.PRD, address.RD, address.STS, address.POD], ' ');
  const inside = join(
    [
      place.BLD === undefined ? undefined : `Building ${place.BLD}`,
      place.FLR === undefined ? undefined : `Floor ${place.FLR}`,
      place.UNIT === undefined ? undefined : `Unit ${place.UNIT}`,
      place.ROOM === undefined ? undefined : `Room ${place.ROOM}`,
      place.SEAT === undefined ? undefined : `Seat ${place.SEAT}`,
      place.LOC,
    ],
    ', ',
  );
  const city = join([address.A3, address.A1, address.PC], ' ');
  return join([address.NAM, street, inside, city, address.country], ', ');
}

/** The civic fields of an address and place in RFC 5139 order, empty ones left out. */
export function civicFields(address: CivicAddress, place: Place): Record<string, string> {
  const all: Record<string, string | undefined> = { ...address, ...place };
  const out: Record<string, string> = { country: address.country };
  for (const key of CIVIC_ORDER) {
    const value = all[key];
    if (value !== undefined && value !== '' && key !== 'country') out[key] = value;
  }
  return out;
}

/** What every notification says (the webhook body). No secrets: no tokens, keys or SIP passwords. */
export interface EmergencyNotice {
  /** Unique per call; also the webhook's `Idempotency-Key`. */
  id: string;
  kind: 'emergency-call';
  /** True for a test line (933): a notice still goes out, marked so nobody is dispatched. */
  test: boolean;
  /** The number dialled, as the phone reported it, and the emergency number it reached. */
  dialled: string;
  emergencyNumber: string;
  /** When the call was placed (ISO 8601). */
  at: string;
  device: { mac: string; model: string; label: string | null };
  user: { name: string } | null;
  extension: number | null;
  callbackNumber: string | null;
  location: {
    id: string;
    name: string;
    /** RFC 5139 fields, address and place. */
    civic: Record<string, string>;
    dispatchable: string;
    /** How the device was placed (`switchPort`, `subnet`, …, `siteDefault`). */
    matchedBy: string | null;
    /** True when only the site default placed it: the location may be wrong. */
    unresolved: boolean;
  } | null;
}

/** A call already told, for spotting the same call reported twice. */
export interface ToldCall {
  /** Call time, ms since the epoch. */
  at: number;
  callId?: string;
}

/**
 * True when `next` is a call already told: the same call id, or (when either side has none) the
 * same emergency number from the same device within `windowMs`. A call reported twice (agent
 * and action URL, or a phone that retries its action URL) is told once; a second real call
 * within the window is covered by the first notice, which already sent people to the phone.
 */
export function isSameCall(told: readonly ToldCall[], next: ToldCall, windowMs: number): boolean {
  return told.some((t) =>
    t.callId !== undefined && next.callId !== undefined ? t.callId === next.callId : Math.abs(next.at - t.at) < windowMs,
  );
}

/** Delay before attempt `attempt` (1-based, the first retry is attempt 2): doubling, capped. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 2));
}

/**
 * A target as the audit trail, logs and alerts name it: a web URL by its origin only, since its
 * path or query often holds the receiver's secret token; other URIs as they are.
 */
export function describeTarget(target: string): string {
  if (!/^https?:\/\//i.test(target)) return target;
  try {
    return `${new URL(target).origin}/…`;
  } catch {
    return 'an unreadable URL';
  }
}
