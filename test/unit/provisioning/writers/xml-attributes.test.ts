import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors.ts';
import { writeXmlAttributes } from '../../../../server/provisioning/writers/xml-attributes.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'OTHER';
  }
  return undefined;
}

describe('XML attribute writer', () => {
  it('escapes attribute values so a quote cannot add an attribute', () => {
    const xml = writeXmlAttributes('polycomConfig', [['reg.1.label', 'a" reg.1.auth.password="x']]);
    const root = create(xml).root().node as unknown as { attributes: ArrayLike<{ name: string; value: string }> };
    expect(Array.from(root.attributes).map((a) => [a.name, a.value])).toEqual([['reg.1.label', 'a" reg.1.auth.password="x']]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')).toBe(true);
  });

  it('refuses control characters, which parsers would turn into spaces inside attributes', () => {
    expect(code(() => writeXmlAttributes('x', [['a', 'tab\there']]))).toBe('RULE_VIOLATION');
    expect(code(() => writeXmlAttributes('x', [['a', 'line\nbreak']]))).toBe('RULE_VIOLATION');
  });
});
