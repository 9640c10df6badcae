import { parseArgs } from 'node:util';
import { runHttpStorm, type HttpStormReport } from './lib/http-storm-run.ts';
import { round } from './lib/stats.ts';
import type { StormResult } from './lib/storm-client.ts';

/**
 * Benchmark 1, the HTTP boot storm: N provisioned devices of every catalogue model reboot at once
 * and walk their vendor's request order with Digest credentials; nginx serves the same bytes.
 * `node --import tsx bench/http-storm.ts [--devices 10000] [--claim-devices 300] [--concurrency 128]
 * [--deadline 40] [--no-cold]`; each storm stops starting phones after `--deadline` seconds.
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    'claim-devices': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '128' },
    deadline: { type: 'string', default: '40' },
    'no-cold': { type: 'boolean', default: false },
  },
});

export function row(name: string, r: StormResult, ratio: number | null): string {
  const failures = r.failed === 0 ? '0' : `${r.failed} ${JSON.stringify(r.failures)}`;
  return `| ${name} | ${r.phones} | ${r.served} | ${r.challenges} | ${failures} | ${round(r.filesPerSec, 0)} | ${round(r.requestsPerSec, 0)} | ${round(r.latency.p50)} | ${round(r.latency.p99)} | ${ratio === null ? '—' : `${round(ratio)}×`} |`;
}

export function table(report: HttpStormReport): string {
  return [
    `devices: ${report.devices}; deskprov start ${round(report.startMs, 0)} ms; RSS ${round(report.rssStartMiB, 0)} MiB after start, ${round(report.rssAfterMiB, 0)} MiB after the warm storm`,
    '',
    '| run | phones | files served (200) | challenges (expected 401) | failed | files/s | HTTP req/s | p50 ms | p99 ms | vs nginx |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row('first boot (claim window, no credentials)', report.claim, null),
    row('deskprov just started (render cache empty)', report.afterStart, report.afterStartRatio),
    row('deskprov warm (Digest)', report.warm, report.warmRatio),
    row('nginx (same bytes, static)', report.nginx, 1),
    ...(report.cold === null ? [] : [row('deskprov cold (after profile edit)', report.cold, report.coldRatio)]),
  ].join('\n');
}

const isMain = process.argv[1]?.endsWith('http-storm.ts') === true;
if (isMain) {
  const report = await runHttpStorm({
    devices: Number(values.devices),
    claimDevices: Number(values['claim-devices']),
    concurrency: Number(values.concurrency),
    deadlineMs: Number(values.deadline) * 1000,
    cold: !values['no-cold'],
  });
  process.stdout.write(`${table(report)}\n`);
}
