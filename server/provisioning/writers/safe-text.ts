import { appError } from '../../errors.ts';

/**
 * Characters no rendered value or key may carry, in any format.
 *
 * Line-based formats (Yealink `key = value`, Aastra `key: value`) end a value at CR or LF, so one
 * would let a display name start a new key (VENDORS.md §1, §9 "Escaping"). XML 1.0 §2.2 forbids
 * C0 controls other than TAB/CR/LF and xmlbuilder2 silently replaces them; parsers normalise CR,
 * LF and TAB inside attributes to spaces (XML 1.0 §3.3.3). Lone surrogates cannot be encoded in
 * UTF-8 at all. None of these has a meaning in a phone's label or name, so every writer REFUSES
 * them instead of stripping: an admin sees the error instead of a phone that silently shows
 * something else. (With the `u` flag a surrogate range matches only unpaired halves.)
 */
const FORBIDDEN = /[\u0000-\u001f\u007f\ud800-\udfff\ufffe\uffff]/u;

/** True when `text` holds a character {@link assertSafeText} refuses. */
export function hasForbiddenChar(text: string): boolean {
  return FORBIDDEN.test(text);
}

/**
 * Throws RULE_VIOLATION naming the key (never the value: it may be a secret) when `text` holds a
 * control character or an unpaired surrogate.
 */
export function assertSafeText(text: string, key: string, what: 'key' | 'value'): void {
  if (hasForbiddenChar(text)) {
    throw appError(
      'RULE_VIOLATION',
      `The ${what} of setting "${safeName(key)}" contains a control character (CR, LF, NUL, …), which phone configs cannot carry`,
      { field: safeName(key) },
    );
  }
}

/** A key name fit for an error message: controls shown as `?` so the message stays one line. */
function safeName(key: string): string {
  return key.replace(/[\u0000-\u001f\u007f]/gu, '?').slice(0, 120);
}
