import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors.ts';
import { el, group, writeXml } from '../../../../server/provisioning/writers/xml-tree.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'OTHER';
  }
  return undefined;
}

describe('XML element writer', () => {
  it('escapes text so markup in a value stays text', () => {
    const xml = writeXml(group('a', [el('b', '</b><evil/>&amp;]]>"\'')]));
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b>&lt;/b&gt;&lt;evil/&gt;&amp;amp;]]&gt;"\'</b>\n</a>\n');
    const doc = create(xml.replaceAll('&amp;', '&#38;')).root().node as unknown as { textContent: string; childNodes: ArrayLike<{ nodeType: number }> };
    expect(doc.textContent.trim()).toBe('</b><evil/>&amp;]]>"\'');
  });

  it('keeps entity-looking text literal instead of passing it through as markup', () => {
    for (const value of ['&amp;', '&foo;', '&#60;', 'a & b']) {
      // `&#38;` for `&amp;`: xmlbuilder2's parser would decode `&amp;#60;` twice (see readers).
      const text = writeXml(el('a', value)).replaceAll('&amp;', '&#38;');
      const attr = writeXml(el('a', undefined, [['k', value]])).replaceAll('&amp;', '&#38;');
      expect((create(text).root().node as unknown as { textContent: string }).textContent).toBe(value);
      const node = create(attr).root().node as unknown as { getAttribute(n: string): string };
      expect(node.getAttribute('k')).toBe(value);
    }
  });

  it('refuses invalid element and attribute names and control characters in values', () => {
    expect(code(() => writeXml(el('1bad', 'x')))).toBe('RULE_VIOLATION');
    expect(code(() => writeXml(el('a b', 'x')))).toBe('RULE_VIOLATION');
    expect(code(() => writeXml(el('ok', 'x', [['bad name', 'v']])))).toBe('RULE_VIOLATION');
    expect(code(() => writeXml(el('ok', 'line\nbreak')))).toBe('RULE_VIOLATION');
    expect(code(() => writeXml(el('ok', 'nul\u0000')))).toBe('RULE_VIOLATION');
  });
});
