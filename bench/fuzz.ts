/**
 * Long fuzz run (P8 item 5): every parser that takes outside bytes, 100,000 cases each (or
 * FUZZ_RUNS), each bounded in time (FUZZ_SECONDS, default 180). Reports cases run, time and
 * memory per target; fails on a counterexample, an unhandled rejection, or heap growth past
 * 64 MiB across the run. Run with `npm run fuzz` (`node --expose-gc` makes the heap figures exact).
 */
import fc from 'fast-check';
import { FUZZ_TARGETS } from '../test/fuzz/fuzz-targets.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seconds = Number(process.env.FUZZ_SECONDS ?? 180);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc;

let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled += 1;
  console.error('unhandled rejection:', reason);
});

gc?.();
const heapAtStart = process.memoryUsage().heapUsed;
let failed = false;
console.log(`fuzz: ${runs} cases per target, at most ${seconds} s each`);
console.log('target | cases | seconds | cases/s | heap MiB after | rss MiB');
for (const target of FUZZ_TARGETS) {
  let cases = 0;
  const started = performance.now();
  const details = target.run({ numRuns: runs, interruptAfterTimeLimit: seconds * 1000 }, () => (cases += 1));
  const took = (performance.now() - started) / 1000;
  gc?.();
  const memory = process.memoryUsage();
  console.log(`${target.name} | ${cases} | ${took.toFixed(1)} | ${Math.round(cases / took)} | ${mib(memory.heapUsed)} | ${mib(memory.rss)}`);
  if (details.failed) {
    failed = true;
    console.error(`  FAILED: counterexample ${fc.stringify(details.counterexample)}: ${String(details.errorInstance)}`);
  }
  if (details.interrupted) console.log(`  (stopped by the time bound after ${cases} cases)`);
}
gc?.();
const growth = process.memoryUsage().heapUsed - heapAtStart;
console.log(`heap growth over the run: ${mib(growth)} MiB; unhandled rejections: ${unhandled}`);
if (failed || unhandled > 0 || growth > 64 * 1024 * 1024) process.exitCode = 1;
