import { appError } from '../errors.ts';

// Deliberately loose: one @, no spaces, a dot in the domain. Mail servers are the real judge.
const EMAIL = /^[^\s@\u0000-\u001f\u007f-\u009f]+@[^\s@\u0000-\u001f\u007f-\u009f]+\.[^\s@\u0000-\u001f\u007f-\u009f]+$/u;

/** Returns the email lower-cased (uniqueness ignores case), or throws INVALID_FIELD. */
export function normalizeEmail(value: string, field = 'email'): string {
  if (value.length > 254 || !EMAIL.test(value)) {
    throw appError('INVALID_FIELD', `${field} must be an email address such as ana@example.com`, { field });
  }
  return value.toLowerCase();
}
