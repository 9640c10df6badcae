/**
 * Reads a line-based cfg back to settings: `key<sep>value` per line, `#` comment lines and the
 * `#!version` header skipped, Yealink `include:config "…"` lines kept as `include:config#n`.
 * Throws on a duplicate key or a line that is not a setting: a writer must never produce either.
 */
export function readCfg(text: string, separator: ' = ' | ': '): Map<string, string> {
  const out = new Map<string, string>();
  if (!text.endsWith('\n')) throw new Error('cfg file does not end with a newline');
  let includes = 0;
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('#')) continue;
    const inc = /^include:config "([^"]*)"$/.exec(line);
    if (inc !== null) {
      includes += 1;
      out.set(`include:config#${includes}`, inc[1] as string);
      continue;
    }
    // Keys never hold the separator character, so the first one splits key from value.
    const at = line.indexOf(separator.trim());
    const start = at - (separator.length - separator.trimStart().length);
    if (at < 0 || start <= 0 || line.slice(start, start + separator.length) !== separator) {
      throw new Error(`not a setting line: ${JSON.stringify(line)}`);
    }
    const key = line.slice(0, start);
    const value = line.slice(start + separator.length);
    if (out.has(key)) throw new Error(`duplicate key ${key}`);
    out.set(key, value);
  }
  return out;
}
