import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_TARGETS } from './fuzz-targets.ts';

/**
 * Short fuzz runs of every parser that takes outside bytes (P8 item 5): a few thousand cases
 * each, bounded at 4 s. `npm run fuzz` (bench/fuzz.ts) runs 100,000 cases each.
 */
describe('parsers of outside bytes under random input', () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: never crashes and keeps its contract`, () => {
      let cases = 0;
      const details = target.run({ numRuns: 3_000, interruptAfterTimeLimit: 4_000 }, () => (cases += 1));
      if (details.failed) throw new Error(fc.defaultReportMessage(details));
      expect(cases).toBeGreaterThan(100);
    });
  }
});
