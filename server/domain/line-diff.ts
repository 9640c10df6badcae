/**
 * A line diff for admins comparing what a phone was served with what it would get now
 * (`?diff=served`). Longest common subsequence over lines; rendered config files are at most a
 * few thousand lines, and inputs past `maxLines` are compared as a whole instead.
 */

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export const MAX_DIFF_LINES = 4_000;

export function lineDiff(before: string, after: string, maxLines = MAX_DIFF_LINES): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length > maxLines || b.length > maxLines) {
    if (before === after) return a.map((text) => ({ op: ' ', text }));
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] ?? '' });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ op: '-', text: a[i++] ?? '' });
    } else {
      out.push({ op: '+', text: b[j++] ?? '' });
    }
  }
  while (i < a.length) out.push({ op: '-', text: a[i++] ?? '' });
  while (j < b.length) out.push({ op: '+', text: b[j++] ?? '' });
  return out;
}

/** `-`/`+`/space prefixed text, one line per entry. */
export function formatDiff(lines: readonly DiffLine[]): string {
  return lines.map((line) => `${line.op}${line.text}`).join('\n');
}
