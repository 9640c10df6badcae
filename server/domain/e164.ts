import { appError } from '../errors.ts';

// ITU-T E.164: a leading +, a country code that never starts with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;

export function parseE164(value: string, field = 'e164'): string {
  if (!E164.test(value)) {
    throw appError('INVALID_FIELD', `${field} must be an E.164 number such as +4930123456`, { field });
  }
  return value;
}

/** A phone number of the inventory: what an extension may show as outbound caller ID. */
export interface PhoneNumber {
  e164: string;
  /** ISO 3166-1 alpha-2 region the number belongs to, e.g. `DE`. */
  region: string;
  callerIdName: string | null;
  /** The extension calls to this number are routed to, when any. */
  extensionNumber: number | null;
  createdAt: string;
  updatedAt: string;
}

const REGION = /^[A-Z]{2}$/;

export function parseRegion(value: string, field = 'region'): string {
  if (!REGION.test(value)) {
    throw appError('INVALID_FIELD', `${field} must be an ISO 3166-1 alpha-2 code such as DE`, { field });
  }
  return value;
}
