import { SOAK_KINDS, type SoakKind, type SoakSample } from './soak-recorder.ts';
import { round, summarize } from './stats.ts';

/**
 * The soak's pass/fail rules (P8 item 6: "no error, RSS flat within 10 %, p99 stable"), as pure
 * functions of the samples, so the rules read in one place and a test can hold them to account.
 *
 * - **No error**: every answer in every window, the drain included, was the expected one.
 * - **RSS flat**: samples before `warmupS` are left out (the render cache and V8's heap fill while
 *   every device is fetched a first time). The median RSS of the last third of the samples after
 *   the warm-up may exceed the median of the first third by at most `rssTolerance`. Medians over
 *   thirds, because RSS is a saw: V8 lets garbage pile up and drops it in full collections (the
 *   first came 90 s to 190 s into the runs of 2026-11-24, RSS −50 to −75 MiB, later teeth
 *   ~35 MiB), wider than the 10 % tolerance; a few samples at either end would judge where the run
 *   stopped on a tooth, a third of the run judges the level. A fall is no leak and passes.
 * - **p99 stable**: per kind, the p99 of the last `pool` windows (up to 12, two minutes) pooled may
 *   be at most `p99Factor` times the p99 of the first `pool` windows after the warm-up; both are
 *   floored at `p99FloorMs` first, since on a shared machine a few milliseconds either way is
 *   scheduling noise. A kind with fewer than `minPoolCount` answers in either pool is reported but
 *   not judged: a p99 of fewer than 200 answers is one of the two slowest, which one stall of the
 *   machine decides.
 */

export interface SoakRules {
  warmupS: number;
  rssTolerance: number;
  p99Factor: number;
  p99FloorMs: number;
  minPoolCount: number;
}

export const DEFAULT_SOAK_RULES: Omit<SoakRules, 'warmupS'> = { rssTolerance: 0.1, p99Factor: 2, p99FloorMs: 10, minPoolCount: 200 };

export interface Verdict {
  criterion: string;
  rule: string;
  measured: string;
  /** `null`: too few samples to judge. */
  pass: boolean | null;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The judged windows: those that began once the warm-up was over (timers may fire a hair early), not the drain. */
export function steadySamples(samples: SoakSample[], warmupS: number): SoakSample[] {
  return samples.filter((s) => !s.drain && s.fromS >= warmupS - 0.1);
}

export function judgeErrors(samples: SoakSample[]): Verdict {
  const byKind = SOAK_KINDS.map((k) => [k, samples.reduce((n, s) => n + s.kinds[k].errors, 0)] as const);
  const total = byKind.reduce((n, [, e]) => n + e, 0);
  return {
    criterion: 'no error',
    rule: 'every answer is the expected one (phone 200 or its one Digest challenge, TFTP complete, agent 202, edit 200 and new bytes served)',
    measured: `${total} (${byKind.map(([k, e]) => `${k} ${e}`).join(', ')})`,
    pass: total === 0,
  };
}

export function judgeRss(samples: SoakSample[], rules: SoakRules): Verdict {
  const steady = steadySamples(samples, rules.warmupS);
  const third = Math.floor(steady.length / 3);
  const rule = `median RSS of the last third of the samples after ${rules.warmupS} s ≤ ${100 + rules.rssTolerance * 100} % of the median of the first third`;
  if (third === 0) return { criterion: 'RSS flat', rule, measured: `${steady.length} sample(s) after the warm-up`, pass: null };
  const first = median(steady.slice(0, third).map((s) => s.rssMiB));
  const last = median(steady.slice(-third).map((s) => s.rssMiB));
  const rss = steady.map((s) => s.rssMiB);
  const change = (last - first) / first;
  return {
    criterion: 'RSS flat',
    rule,
    measured: `${round(first, 1)} → ${round(last, 1)} MiB (${change >= 0 ? '+' : ''}${round(change * 100, 1)} %; ${round(Math.min(...rss), 1)}–${round(Math.max(...rss), 1)} MiB after the warm-up)`,
    pass: change <= rules.rssTolerance,
  };
}

export function judgeP99(samples: SoakSample[], rules: SoakRules, kind: SoakKind): Verdict {
  const steady = steadySamples(samples, rules.warmupS);
  const pool = Math.min(12, Math.floor(steady.length / 2));
  const rule = `p99 of the last ${pool} windows ≤ ${rules.p99Factor}× p99 of the first ${pool} after the warm-up (each floored at ${rules.p99FloorMs} ms; judged from ${rules.minPoolCount} answers per pool)`;
  const pooled = (windows: SoakSample[]) => summarize(windows.flatMap((s) => s.kinds[kind].latencies));
  if (pool === 0) return { criterion: `p99 stable: ${kind}`, rule, measured: `${steady.length} window(s) after the warm-up`, pass: null };
  const first = pooled(steady.slice(0, pool));
  const last = pooled(steady.slice(-pool));
  const measured = `${round(first.p99, 1)} → ${round(last.p99, 1)} ms (n ${first.count} / ${last.count})`;
  if (first.count < rules.minPoolCount || last.count < rules.minPoolCount) return { criterion: `p99 stable: ${kind}`, rule, measured, pass: null };
  const floor = (ms: number) => Math.max(ms, rules.p99FloorMs);
  return { criterion: `p99 stable: ${kind}`, rule, measured, pass: floor(last.p99) <= rules.p99Factor * floor(first.p99) };
}

export function judgeSoak(samples: SoakSample[], rules: SoakRules): Verdict[] {
  return [judgeErrors(samples), judgeRss(samples, rules), ...SOAK_KINDS.map((k) => judgeP99(samples, rules, k))];
}
