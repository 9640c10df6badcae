import { appError } from '../errors.ts';
import { parseCivicAddress, parsePlace, type CivicAddress, type Place } from './civic-address.ts';
import { parseE164 } from './e164.ts';
import type { LocationStatus } from './e911-alerts.ts';
import { checkText } from './text.ts';

/**
 * An emergency location: a validated civic address plus the in-building place, the number a
 * PSAP calls back, and who is told when 911 is dialled from it (Kari's Law, 47 CFR 9.16).
 */
export interface EmergencyLocation {
  id: string;
  siteId: string;
  name: string;
  address: CivicAddress;
  place: Place;
  /** E.164 from the numbers inventory; the callback number of this location only. */
  callbackNumber: string;
  /**
   * Where a 911 notification goes: `mailto:`, `sip:`, `sips:`, `tel:`, `https:` or `http:` URIs
   * (web URLs get a JSON POST: services/emergency-notify.ts; `http:` for receivers on the LAN).
   */
  notifyTargets: string[];
  /** Whether the 911 provider accepted the address; only `registered` is usable for 911. */
  status: LocationStatus;
  statusMessage: string | null;
  /** The site's default location (at most one per site). */
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LocationFields {
  name: string;
  address: CivicAddress;
  place: Place;
  callbackNumber: string;
  notifyTargets: string[];
}

export const MAX_NOTIFY_TARGETS = 20;
const TARGET = /^(mailto:[^\s@]+@[^\s@]+|sips?:[^\s]+|tel:\+?[0-9-]+|https?:\/\/[^\s]+)$/i;

/** Validates the user-given fields of a location; errors name the field. */
export function validateLocationFields(input: {
  name: string;
  address: unknown;
  place?: unknown;
  callbackNumber: string;
  notifyTargets?: readonly string[];
}): LocationFields {
  const targets = input.notifyTargets ?? [];
  if (targets.length > MAX_NOTIFY_TARGETS) {
    throw appError('INVALID_FIELD', `notifyTargets takes at most ${MAX_NOTIFY_TARGETS} entries`, { field: 'notifyTargets' });
  }
  const notifyTargets = targets.map((t, i) => {
    const field = `notifyTargets[${i}]`;
    checkText(t, field);
    if (!TARGET.test(t)) {
      throw appError('INVALID_FIELD', `${field} must be a mailto:, sip:, sips:, tel:, https: or http: URI`, { field });
    }
    return t;
  });
  return {
    name: checkText(input.name, 'name'),
    address: parseCivicAddress(input.address),
    place: parsePlace(input.place),
    callbackNumber: parseE164(input.callbackNumber, 'callbackNumber'),
    notifyTargets,
  };
}

/**
 * A callback number must be dialable back from the PSAP serving the address: the number's region
 * is the address's country (422 otherwise).
 */
export function checkCallbackRegion(numberRegion: string, address: CivicAddress): void {
  if (numberRegion !== address.country) {
    throw appError(
      'RULE_VIOLATION',
      `callbackNumber belongs to region ${numberRegion}, but the address is in ${address.country}`,
      { field: 'callbackNumber' },
    );
  }
}

/** The outcome of registering an address with the 911 provider. */
export interface RegistrationResult {
  status: LocationStatus;
  message: string | null;
}
