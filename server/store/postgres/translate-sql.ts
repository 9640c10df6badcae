/**
 * The repositories' SQL is written once, in the dialect SQLite and PostgreSQL share. What still
 * differs is translated here, for PostgreSQL, once per statement text:
 * - parameters: `?` (positional) and `@name` (named, from an object) become `$1`, `$2`, …;
 *   a name used twice is one parameter;
 * - `LIKE` becomes `ILIKE`: SQLite's LIKE ignores ASCII case (sqlite.org/lang_expr.html#like);
 * - `json_extract(column, '$.key')` becomes `(column::json ->> 'key')`, and
 *   `json_each(?)` becomes `json_array_elements_text(?::json)` (its column is `value` in both).
 * Quoted strings, quoted identifiers and comments are copied untouched.
 */
export interface TranslatedSql {
  text: string;
  /** For named parameters, the object key of `$1`, `$2`, …; null when the SQL uses `?`. */
  names: readonly string[] | null;
  /** How many `$n` parameters the text has. */
  count: number;
}

const WORD = /[A-Za-z0-9_]/;

export function translateSql(sql: string): TranslatedSql {
  const rewritten = rewriteFunctions(sql);
  let text = '';
  let positional = 0;
  const names: string[] = [];
  let i = 0;
  while (i < rewritten.length) {
    const c = rewritten[i] as string;
    const quoted = quotedEnd(rewritten, i);
    if (quoted > i) {
      text += rewritten.slice(i, quoted);
      i = quoted;
    } else if (c === '?') {
      positional += 1;
      text += `$${positional}`;
      i += 1;
    } else if (c === '@' && WORD.test(rewritten[i + 1] ?? '')) {
      let end = i + 1;
      while (end < rewritten.length && WORD.test(rewritten[end] as string)) end += 1;
      const name = rewritten.slice(i + 1, end);
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i = end;
    } else if (isLikeAt(rewritten, i)) {
      text += 'ILIKE';
      i += 4;
    } else {
      text += c;
      i += 1;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error('SQL mixes ? and @name parameters');
  return { text, names: names.length > 0 ? names : null, count: positional + names.length };
}

/** The argument list a translated statement takes, from better-sqlite3-style call arguments. */
export function bindParameters(translated: TranslatedSql, args: readonly unknown[]): unknown[] {
  if (translated.names === null) {
    if (args.length !== translated.count) {
      throw new RangeError(`the statement takes ${translated.count} parameters, ${args.length} given`);
    }
    return args.map(toPostgresValue);
  }
  const source = args[0];
  if (args.length !== 1 || typeof source !== 'object' || source === null) {
    throw new TypeError('a statement with named parameters takes one object');
  }
  return translated.names.map((name) => {
    if (!(name in source)) throw new RangeError(`missing named parameter "${name}"`);
    return toPostgresValue((source as Record<string, unknown>)[name]);
  });
}

// better-sqlite3 refuses booleans and undefined; keep the same rule so both engines fail alike.
function toPostgresValue(value: unknown): unknown {
  if (typeof value === 'boolean' || value === undefined) {
    throw new TypeError('SQL parameters are numbers, strings, buffers, bigints or null');
  }
  return value;
}

/** Index just past a quoted string, quoted identifier or comment starting at `i`, else `i`. */
function quotedEnd(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        // A doubled quote is an escaped quote inside the string.
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j += 1;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

function isLikeAt(sql: string, i: number): boolean {
  return (
    sql.slice(i, i + 4).toUpperCase() === 'LIKE' &&
    !WORD.test(sql[i - 1] ?? ' ') &&
    !WORD.test(sql[i + 4] ?? ' ')
  );
}

const JSON_EXTRACT = /json_extract\(\s*([A-Za-z_][A-Za-z0-9_.]*)\s*,\s*'\$\.([A-Za-z_][A-Za-z0-9_]*)'\s*\)/g;
const JSON_EACH = /json_each\(\s*\?\s*\)/g;

function rewriteFunctions(sql: string): string {
  return sql.replace(JSON_EXTRACT, "($1::json ->> '$2')").replace(JSON_EACH, 'json_array_elements_text(?::json)');
}
