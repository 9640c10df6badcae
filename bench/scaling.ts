import { parseArgs } from 'node:util';
import { runHttpStorm } from './lib/http-storm-run.ts';
import { round } from './lib/stats.ts';

/**
 * Benchmark 6, scaling: the warm HTTP boot storm (and nginx on the same bytes) with 1,000, 10,000
 * and 50,000 devices in the database, to show the cost per request does not grow with the fleet.
 * Each storm is bounded by `--deadline` seconds, so at 50,000 only the phones reached in that time
 * walk (all 50,000 devices are still in the database and in every lookup).
 * `node --import tsx bench/scaling.ts [--sizes 1000,10000,50000] [--deadline 30]`
 */

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,50000' },
    deadline: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '128' },
  },
});

const rows: string[] = [];
for (const devices of values.sizes.split(',').map(Number)) {
  const r = await runHttpStorm({ devices, claimDevices: 0, concurrency: Number(values.concurrency), deadlineMs: Number(values.deadline) * 1000, cold: false });
  rows.push(
    `| ${devices} | ${r.warm.phones} | ${round(r.warm.filesPerSec, 0)} | ${round(r.nginx.filesPerSec, 0)} | ${round(r.warmRatio)}× | ${round(r.warm.latency.p50)} | ${round(r.warm.latency.p99)} | ${r.warm.failed} | ${round(r.startMs, 0)} | ${round(r.rssStartMiB, 0)} | ${round(r.rssAfterMiB, 0)} |`,
  );
}
process.stdout.write(
  [
    '| devices in DB | phones walked | deskprov warm files/s | nginx files/s | ratio | p50 ms | p99 ms | failed | start ms | RSS MiB after start | RSS MiB after storm |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
