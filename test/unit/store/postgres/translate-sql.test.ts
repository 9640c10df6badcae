import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindParameters, translateSql } from '../../../../server/store/postgres/translate-sql.ts';

describe('translateSql', () => {
  it('numbers positional parameters in order', () => {
    expect(translateSql('SELECT * FROM t WHERE a = ? AND b > ? LIMIT ?')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b > $2 LIMIT $3',
      names: null,
      count: 3,
    });
  });

  it('turns named parameters into numbered ones, one number per name', () => {
    const t = translateSql('UPDATE t SET a = @a, b = @b WHERE id = @id OR alt = @a');
    expect(t.text).toBe('UPDATE t SET a = $1, b = $2 WHERE id = $3 OR alt = $1');
    expect(t.names).toEqual(['a', 'b', 'id']);
    expect(bindParameters(t, [{ id: 'x', a: 1, b: null }])).toEqual([1, null, 'x']);
  });

  it('leaves quoted strings, quoted identifiers and comments alone', () => {
    const t = translateSql(`SELECT '? @x it''s', "we?rd" -- a ? here\nFROM t /* @y ? */ WHERE a = ?`);
    expect(t.text).toBe(`SELECT '? @x it''s', "we?rd" -- a ? here\nFROM t /* @y ? */ WHERE a = $1`);
    expect(t.count).toBe(1);
  });

  it('makes LIKE ignore case as SQLite does, and keeps ESCAPE', () => {
    expect(translateSql("SELECT 1 WHERE name LIKE ? ESCAPE '\\' AND unlikely = 1").text).toBe(
      "SELECT 1 WHERE name ILIKE $1 ESCAPE '\\' AND unlikely = 1",
    );
  });

  it('rewrites the JSON functions the repositories use', () => {
    expect(translateSql("SELECT 1 WHERE json_extract(s.resolution, '$.locationId') IS NULL").text).toBe(
      "SELECT 1 WHERE (s.resolution::json ->> 'locationId') IS NULL",
    );
    expect(translateSql('UPDATE d SET n = 1 WHERE id IN (SELECT value FROM json_each(?))').text).toBe(
      'UPDATE d SET n = 1 WHERE id IN (SELECT value FROM json_array_elements_text($1::json))',
    );
  });

  it('never touches a placeholder character inside a string literal', () => {
    fc.assert(
      fc.property(fc.string(), (literal) => {
        const quoted = `'${literal.replace(/'/g, "''")}'`;
        const t = translateSql(`SELECT ${quoted} WHERE a = ?`);
        expect(t.text).toBe(`SELECT ${quoted} WHERE a = $1`);
        expect(t.count).toBe(1);
      }),
    );
  });

  it('refuses a statement that mixes both parameter styles', () => {
    expect(() => translateSql('SELECT 1 WHERE a = ? AND b = @b')).toThrow(/mixes/);
  });
});

describe('bindParameters', () => {
  it('checks the count of positional parameters', () => {
    expect(() => bindParameters(translateSql('SELECT ?'), [])).toThrow(RangeError);
    expect(bindParameters(translateSql('SELECT ?, ?'), ['a', 2])).toEqual(['a', 2]);
  });

  it('refuses a missing name, booleans and undefined, as better-sqlite3 does', () => {
    const t = translateSql('SELECT @a, @b');
    expect(() => bindParameters(t, [{ a: 1 }])).toThrow(/"b"/);
    expect(() => bindParameters(t, [{ a: 1, b: true }])).toThrow(TypeError);
    expect(() => bindParameters(translateSql('SELECT ?'), [undefined])).toThrow(TypeError);
    expect(() => bindParameters(t, ['not an object'])).toThrow(TypeError);
  });
});
