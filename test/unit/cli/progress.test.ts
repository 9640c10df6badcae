import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../server/cli/progress.ts';

describe('progressBar', () => {
  it('redraws one line in place and ends it with a newline', () => {
    const out: string[] = [];
    const bar = progressBar((t) => out.push(t), true, 4, 'checking');
    bar.update(1);
    bar.update(2);
    bar.finish();
    expect(out[0]).toMatch(/^\rchecking \[#{8}\.{22}\] 1\/4$/);
    expect(out.at(-2)).toBe(`\rchecking [${'#'.repeat(30)}] 4/4`);
    expect(out.at(-1)).toBe('\n');
  });

  it('skips redraws that would not change the bar', () => {
    const out: string[] = [];
    const bar = progressBar((t) => out.push(t), true, 1000, 'x');
    for (let done = 1; done <= 10; done++) bar.update(done);
    expect(out).toHaveLength(1);
  });

  it('draws nothing when stdout is not a terminal', () => {
    const out: string[] = [];
    const bar = progressBar((t) => out.push(t), false, 10, 'checking');
    bar.update(5);
    bar.finish();
    expect(out).toEqual([]);
  });
});
