import { appError } from '../errors.ts';

/** Longest name or label we store (characters). Longer text is refused, never cut. */
export const MAX_NAME_LENGTH = 256;

// C0 controls (CR, LF, NUL …), DEL and C1 controls: none belongs in a name, and CR/LF/NUL could
// inject keys into key=value phone configs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Checks a person-facing string (name, label, display name). Everything printable is kept
 * exactly, including `<>&"'`, right-to-left overrides and emoji; renderers escape on output.
 */
export function checkText(value: string, field: string, max = MAX_NAME_LENGTH): string {
  if (CONTROL.test(value)) {
    throw appError('INVALID_FIELD', `${field} must not contain control characters (CR, LF, NUL, …)`, { field });
  }
  if ([...value].length > max) {
    throw appError('INVALID_FIELD', `${field} must be at most ${max} characters`, { field });
  }
  if (value.trim() === '') {
    throw appError('INVALID_FIELD', `${field} must not be empty`, { field });
  }
  return value;
}
