import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOAK_RULES, judgeErrors, judgeP99, judgeRss } from '../../bench/lib/soak-criteria.ts';
import { SOAK_KINDS, type KindWindow, type SoakKind, type SoakSample } from '../../bench/lib/soak-recorder.ts';

/**
 * The soak benchmark (bench/soak.ts, P8 item 6): its pass/fail rules on made-up windows, and its
 * 10-second smoke run against a real deskprov (HTTP and TFTP on loopback, every kind of load).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rules = { ...DEFAULT_SOAK_RULES, warmupS: 20 };

function window(latencies: number[], errors = 0): KindWindow {
  return { count: latencies.length, p50: 0, p99: 0, errors, latencies };
}

/** Ten-second windows from 10 s to 10·n s; `rss(i)` and `phone(i)` give each window's figures. */
function samples(n: number, rss: (i: number) => number, phone: (i: number) => number[] = () => [5], errors: (i: number) => number = () => 0): SoakSample[] {
  return Array.from({ length: n }, (_, i) => {
    const kinds = Object.fromEntries(SOAK_KINDS.map((k) => [k, window([])])) as Record<SoakKind, KindWindow>;
    kinds.phone = window(phone(i), errors(i));
    return { fromS: i * 10, atS: (i + 1) * 10, rssMiB: rss(i), serverCpuPct: 50, load1: 1, drain: false, kinds };
  });
}

describe('soak criteria', () => {
  it('counts an error in any window, the drain included, as a failure', () => {
    const clean = samples(8, () => 100);
    expect(judgeErrors(clean).pass).toBe(true);
    const drain = { ...samples(1, () => 100, () => [5], () => 1)[0] as SoakSample, drain: true };
    expect(judgeErrors([...clean, drain]).pass).toBe(false);
  });

  it('leaves the warm-up out of the RSS comparison, so filling caches at the start is no leak', () => {
    const verdict = judgeRss(samples(12, (i) => (i < 2 ? 60 : 100)), rules);
    expect(verdict.pass).toBe(true);
  });

  it('fails a steady RSS climb of more than 10 % from the first third after the warm-up to the last', () => {
    const verdict = judgeRss(samples(12, (i) => 100 + i * 3), rules);
    expect(verdict.pass).toBe(false);
    expect(verdict.measured).toContain('%');
  });

  it('does not let a full collection just after the warm-up hide growth below the garbage it cleared', () => {
    const collected = (climb: number) => (i: number) => (i < 4 ? 250 : 190 + climb * (i - 4));
    expect(judgeRss(samples(22, collected(0)), rules).pass).toBe(true);
    expect(judgeRss(samples(22, collected(3)), rules).pass).toBe(false);
  });

  it('passes RSS that falls, and does not judge a run with no sample after the warm-up', () => {
    expect(judgeRss(samples(12, (i) => 120 - i), rules).pass).toBe(true);
    expect(judgeRss(samples(2, () => 100), rules).pass).toBeNull();
  });

  it('fails a p99 that more than doubles between the first and last pooled windows', () => {
    const slow = (i: number) => Array.from({ length: 50 }, (_, j) => (j === 49 && i > 8 ? 200 : 20));
    expect(judgeP99(samples(15, () => 100, slow), rules, 'phone').pass).toBe(false);
    const steady = () => Array.from({ length: 50 }, (_, j) => (j === 49 ? 40 : 20));
    expect(judgeP99(samples(15, () => 100, steady), rules, 'phone').pass).toBe(true);
  });

  it('treats p99 below the floor as noise and does not judge a kind with too few answers for a p99', () => {
    const tiny = (i: number) => Array.from({ length: 50 }, () => (i > 8 ? 9 : 1));
    expect(judgeP99(samples(15, () => 100, tiny), rules, 'phone').pass).toBe(true);
    expect(judgeP99(samples(15, () => 100, () => Array.from({ length: 20 }, () => 5)), rules, 'phone').pass).toBeNull();
  });
});

describe('soak benchmark smoke run', () => {
  it('runs every kind of load for 10 s against a spawned deskprov without an error and says so', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'soak.ts'), '--smoke'], { cwd: root, timeout: 150_000 }, (err, out, errOut) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout: out, stderr: errOut }),
      );
      child.stdin?.end();
    });
    expect(code, stderr + stdout).toBe(0);
    expect(stdout).toContain('soak: passed');
    for (const kind of SOAK_KINDS) {
      const row = stdout.split('\n').find((line) => line.startsWith(`| ${kind} |`));
      const operations = Number(row?.split('|')[2]);
      expect(operations, `${kind} row: ${row}`).toBeGreaterThan(0);
      expect(row?.trim().endsWith('| 0 |'), `${kind} row: ${row}`).toBe(true);
    }
  }, 180_000);
});
