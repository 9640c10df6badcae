import { describe, expect, it } from 'vitest';
import { formatDiff, lineDiff } from '../../../server/domain/line-diff.ts';

describe('line diff', () => {
  it('marks removed and added lines around the common ones', () => {
    const diff = lineDiff('a\nb\nc', 'a\nx\nc');
    expect(formatDiff(diff)).toBe(' a\n-b\n+x\n c');
  });

  it('reports no change for equal texts and handles appended lines', () => {
    expect(lineDiff('a\nb', 'a\nb').every((l) => l.op === ' ')).toBe(true);
    expect(formatDiff(lineDiff('a', 'a\nb'))).toBe(' a\n+b');
    expect(formatDiff(lineDiff('a\nb', 'b'))).toBe('-a\n b');
  });

  it('compares oversized inputs as a whole', () => {
    expect(formatDiff(lineDiff('a\nb\nc', 'a\nb\nd', 2))).toBe('-a\n-b\n-c\n+a\n+b\n+d');
    expect(lineDiff('a\nb\nc', 'a\nb\nc', 2).every((l) => l.op === ' ')).toBe(true);
  });
});
