import { appError } from '../../errors.ts';
import { assertSafeText } from './safe-text.ts';

/** How one line-based vendor format writes a setting. */
export interface CfgStyle {
  /** Between key and value: `' = '` (Yealink), `': '` (Aastra). */
  separator: string;
  /** Characters a key may never hold because the phone would split there (`=`, `:`, `#`). */
  keyForbidden: string;
  /** Characters a value may never hold (Aastra reads an inline `#` as a comment start). */
  valueForbidden?: string;
  /** First line(s) of the file, e.g. Yealink's mandatory `#!version:1.0.0.1`. */
  header?: string[];
}

/** Yealink: `key = value`, first line `#!version:1.0.0.1` (VENDORS.md §1 "Syntax"). */
export const YEALINK_CFG: CfgStyle = {
  separator: ' = ',
  keyForbidden: '=#',
  header: ['#!version:1.0.0.1'],
};

/**
 * Aastra/Mitel: `key: value` (VENDORS.md §9 "Syntax"); keys contain spaces. Inline `#` comments
 * work there (~), so a value holding `#` would be cut short: refused.
 */
export const AASTRA_CFG: CfgStyle = { separator: ': ', keyForbidden: ':#', valueForbidden: '#' };

/**
 * Writes `key<sep>value` lines, LF-terminated. Refuses (RULE_VIOLATION, naming the key) any key or
 * value with CR/LF/NUL or another control character, so a value can never start a new line and
 * thus never inject a key; refuses keys that hold the separator, `#`, or edge spaces, or are empty.
 * Values keep `=`, `:` verbatim (the phone splits at the first separator) and `#` unless the
 * style forbids it (Yealink: inline `#` is untested per VENDORS.md, and a key never starts a line
 * with it since every line starts with its key).
 */
export function writeCfg(entries: [string, string][], style: CfgStyle, comment?: string): string {
  const lines = [...(style.header ?? [])];
  if (comment !== undefined) {
    assertSafeText(comment, 'comment', 'value');
    lines.push(`# ${comment}`);
  }
  for (const [key, value] of entries) {
    assertSafeText(key, key, 'key');
    assertSafeText(value, key, 'value');
    if (key === '' || key.trim() !== key || [...style.keyForbidden].some((c) => key.includes(c))) {
      throw appError('RULE_VIOLATION', `Setting key "${key}" is not a valid config key`, {
        field: key,
      });
    }
    if ([...(style.valueForbidden ?? '')].some((c) => value.includes(c))) {
      throw appError('RULE_VIOLATION', `The value of setting "${key}" cannot contain "${style.valueForbidden}" in this format`, {
        field: key,
      });
    }
    lines.push(`${key}${style.separator}${value}`);
  }
  return `${lines.join('\n')}\n`;
}
