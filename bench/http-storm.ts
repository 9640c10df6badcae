import { parseArgs } from 'node:util';
import { runHttpStorm, type HttpStormReport } from './lib/http-storm-run.ts';
import { round } from './lib/stats.ts';
import type { StormResult } from './lib/storm-client.ts';

/**
 * Benchmark 1, the HTTP boot storm: N provisioned devices of every catalogue model reboot at once
 * and walk their vendor's request order with Digest credentials; nginx serves the same bytes.
 * `node --import tsx bench/http-storm.ts [--devices 10000] [--concurrency 128] [--deadline 60]`
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '128' },
    deadline: { type: 'string', default: '60' },
    'no-cold': { type: 'boolean', default: false },
  },
});

export function row(name: string, r: StormResult, ratio: number | null): string {
  const failures = r.failed === 0 ? '0' : `${r.failed} ${JSON.stringify(r.failures)}`;
  return `| ${name} | ${r.phones} | ${r.served} | ${r.challenges} | ${failures} | ${round(r.filesPerSec, 0)} | ${round(r.requestsPerSec, 0)} | ${round(r.latency.p50)} | ${round(r.latency.p99)} | ${ratio === null ? '—' : `${round(ratio)}×`} |`;
}

export function table(report: HttpStormReport): string {
  return [
    `devices: ${report.devices}; deskprov start ${round(report.startMs, 0)} ms; RSS after warm storm ${round(report.rssAfterMiB, 0)} MiB`,
    '',
    '| run | phones | files served (200) | challenges (expected 401) | failed | files/s | HTTP req/s | p50 ms | p99 ms | vs nginx |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row('first boot (claim window, no credentials)', report.claim, null),
    row('deskprov warm (Digest)', report.warm, report.warmRatio),
    row('nginx (same bytes, static)', report.nginx, 1),
    ...(report.cold === null ? [] : [row('deskprov cold (after profile edit)', report.cold, report.coldRatio)]),
  ].join('\n');
}

const isMain = process.argv[1]?.endsWith('http-storm.ts') === true;
if (isMain) {
  const report = await runHttpStorm({
    devices: Number(values.devices),
    concurrency: Number(values.concurrency),
    deadlineMs: Number(values.deadline) * 1000,
    cold: !values['no-cold'],
  });
  process.stdout.write(`${table(report)}\n`);
}
