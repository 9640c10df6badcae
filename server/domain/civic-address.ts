import { appError } from '../errors.ts';
import { checkText } from './text.ts';

/**
 * RFC 5139 civic address elements, in the order of the RFC 5139 §4 schema sequence (PIDF-LO
 * writers must keep this order). Only the elements deskprov accepts are listed.
 */
export const CIVIC_ORDER = [
  'country', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'PRD', 'POD', 'STS', 'HNO', 'HNS', 'LOC', 'FLR',
  'NAM', 'PC', 'BLD', 'UNIT', 'ROOM', 'SEAT', 'RD',
] as const;

export type CivicField = (typeof CIVIC_ORDER)[number];

/** Fields of the emergency address itself (the street address a PSAP validates). */
export const ADDRESS_FIELDS = [
  'country', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'PRD', 'POD', 'STS', 'HNO', 'HNS', 'RD', 'PC', 'LOC', 'NAM',
] as const satisfies readonly CivicField[];

/** In-building fields (Teams' "place"): what makes an address dispatchable (RAY BAUM'S §506). */
export const PLACE_FIELDS = ['BLD', 'FLR', 'UNIT', 'ROOM', 'SEAT', 'LOC'] as const satisfies readonly CivicField[];

/** Fields an emergency address must carry (CONTRACT.md `POST /api/v1/locations`). */
export const REQUIRED_ADDRESS_FIELDS = ['country', 'A1', 'A3', 'RD', 'HNO', 'PC'] as const;

export type CivicAddress = { country: string } & Partial<Record<CivicField, string>>;
export type Place = Partial<Record<(typeof PLACE_FIELDS)[number], string>>;

// RFC 4776 §3.4 limits each CAtype value to 255 octets; shorter text keeps PIDF-LO and
// LLDP-MED (about 75 characters per port on common switches) usable.
const MAX_FIELD = 255;
const COUNTRY = /^[A-Z]{2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFields(
  input: unknown,
  allowed: readonly string[],
  field: string,
): Record<string, string> {
  if (!isRecord(input)) {
    throw appError('INVALID_FIELD', `${field} must be an object of RFC 5139 fields`, { field });
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    const name = `${field}.${key}`;
    if (!allowed.includes(key)) {
      const hint = (PLACE_FIELDS as readonly string[]).includes(key) ? ' (it belongs in place)' : '';
      throw appError('INVALID_FIELD', `${name} is not an accepted RFC 5139 field${hint}`, { field: name });
    }
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw appError('INVALID_FIELD', `${name} must be a string`, { field: name });
    }
    out[key] = checkText(value.trim(), name, MAX_FIELD);
  }
  return out;
}

/** Validates an emergency address; errors name the field, e.g. `address.HNO`. */
export function parseCivicAddress(input: unknown, field = 'address'): CivicAddress {
  const fields = checkFields(input, ADDRESS_FIELDS, field);
  for (const required of REQUIRED_ADDRESS_FIELDS) {
    if (fields[required] === undefined) {
      throw appError('INVALID_FIELD', `${field}.${required} is required`, { field: `${field}.${required}` });
    }
  }
  const country = fields.country!.toUpperCase();
  if (!COUNTRY.test(country)) {
    throw appError('INVALID_FIELD', `${field}.country must be an ISO 3166-1 alpha-2 code such as US`, {
      field: `${field}.country`,
    });
  }
  return { ...fields, country };
}

/** Validates the in-building part of a location (all fields optional). */
export function parsePlace(input: unknown, field = 'place'): Place {
  if (input === undefined || input === null) return {};
  return checkFields(input, PLACE_FIELDS, field);
}

/** The full civic address of a location: the address plus its place, in RFC 5139 order. */
export function civicOf(address: CivicAddress, place: Place = {}): CivicAddress {
  const merged: Record<string, string> = { ...address, ...place };
  const out: Record<string, string> = {};
  for (const key of CIVIC_ORDER) {
    const value = merged[key];
    if (value !== undefined) out[key] = value;
  }
  return out as CivicAddress;
}

function comparable(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A field where a reported civic address and the mapped one disagree. */
export interface CivicDifference {
  field: CivicField;
  reported: string;
  mapped: string;
}

/**
 * Compares a civic address a switch announced (LLDP-MED, TIA-1057 §10.2.4.3) with the mapped one,
 * on the fields both carry. Switches usually send the street as CAtype 6 (A6) while deskprov
 * addresses carry RD (CAtype 34), so a reported A6 is compared with RD when the map has no A6.
 */
export function civicDifferences(reported: Partial<CivicAddress>, mapped: CivicAddress): CivicDifference[] {
  const diffs: CivicDifference[] = [];
  for (const key of CIVIC_ORDER) {
    const got = reported[key];
    let want = mapped[key];
    if (key === 'A6' && want === undefined) want = mapped.RD;
    if (got === undefined || want === undefined) continue;
    if (comparable(got) !== comparable(want)) diffs.push({ field: key, reported: got, mapped: want });
  }
  return diffs;
}
