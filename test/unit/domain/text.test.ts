import { describe, expect, it } from 'vitest';
import { checkText, MAX_NAME_LENGTH } from '../../../server/domain/text.ts';

describe('checkText', () => {
  it.each(['\r', '\n', '\u0000', '\t', '\u001b', '\u007f', '\u0085'])('refuses control character %j naming the field', (c) => {
    expect(() => checkText(`a${c}b`, 'label')).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field: 'label' }));
  });

  it.each([`<>&"'`, 'x\u202Ey', '👩🏽‍💼 ☎️', 'Zoë Ñandú'])('keeps printable text %j exactly', (text) => {
    expect(checkText(text, 'name')).toBe(text);
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(checkText('😀'.repeat(MAX_NAME_LENGTH), 'name')).toHaveLength(MAX_NAME_LENGTH * 2);
    expect(() => checkText('x'.repeat(MAX_NAME_LENGTH + 1), 'name')).toThrow(/at most 256/);
  });

  it('refuses blank text', () => {
    expect(() => checkText('   ', 'name')).toThrow(expect.objectContaining({ field: 'name' }));
  });
});
