import { parseArgs } from 'node:util';
import { renderFile } from '../server/provisioning/render.ts';
import { resolveSettings } from '../server/provisioning/resolve-settings.ts';
import type { LineKey, ModelFile, ModelProfile } from '../server/provisioning/types.ts';
import { benchMac, loadCatalog } from './lib/seed.ts';
import { round, summarize } from './lib/stats.ts';

/**
 * Benchmark 3, rendering: configs rendered per second per dialect on one core (this process, no
 * cache; per second of CPU time the process got, so other load on the machine does not count), and the p99 of one render. Per dialect the model with the most keys and lines and its
 * per-device config file, every key programmed; "largest dialect" is the one with the largest file.
 * `node --import tsx bench/render.ts [--seconds 2]`
 */

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);

const catalog = loadCatalog();
const directory = Array.from({ length: 40 }, (_, i) => ({ name: `Person ${String(i).padStart(3, '0')}`, extension: String(1000 + i) }));

function keysFor(model: ModelProfile): LineKey[] {
  return Array.from({ length: model.keys }, (_, i) =>
    i === 0
      ? { index: 1, type: 'line' as const, value: '1', label: 'Line 1' }
      : i % 2 === 0
        ? { index: i + 1, type: 'blf' as const, value: String(2000 + i), label: `BLF ${i}` }
        : { index: i + 1, type: 'speeddial' as const, value: `+4930${1000 + i}`, label: `Speed ${i}` },
  );
}

function inputFor(model: ModelProfile, file: ModelFile, index: number) {
  const mac = benchMac(model, index);
  const settings = resolveSettings({
    model,
    mac,
    site: { timezone: 'Europe/Berlin', registrar: { host: 'pbx.example.com', port: 5060, transport: 'udp' } },
    profileChain: [{ keys: keysFor(model), time: { ntp: 'ntp.example.com' }, network: { lldp: true, vlan: 20 }, language: 'de' }],
    lines: { kind: 'user', extension: { number: 200 + (index % 100), authUser: `u${index}`, secret: 'Secr3t-Secr3t-Secr3t-xx', displayName: `User ${index}` } },
    publicUrl: 'http://prov.example.com:8080/',
    credentials: { username: mac, password: 'Abcdefghijklmnopqrstuvwx' },
  });
  return { model, file, settings, mac, referenceYear: 2026, ...(file.kind === 'directory' ? { directory } : {}) };
}

interface DialectResult {
  dialect: string;
  model: string;
  file: string;
  bytes: number;
  rendersPerSec: number;
  /** Renders per second of CPU time this process got: the single-core figure on a shared machine. */
  rendersPerCpuSec: number;
  p50Us: number;
  p99Us: number;
}

const byDialect = new Map<string, ModelProfile>();
for (const model of catalog.all()) {
  const best = byDialect.get(model.dialect);
  if (best === undefined || model.keys + model.lines > best.keys + best.lines) byDialect.set(model.dialect, model);
}

const results: DialectResult[] = [];
for (const [dialect, model] of [...byDialect].sort(([a], [b]) => a.localeCompare(b))) {
  // The per-device config (lines, keys, credentials): what every phone of a storm needs rendered.
  const file = model.files.find((f) => f.kind === 'device') ?? (model.files[0] as ModelFile);
  const bytes = renderFile(inputFor(model, file, 0)).body.length;
  // 1,000 distinct devices: settings resolved up front, so only rendering is timed.
  const inputs = Array.from({ length: 1_000 }, (_, i) => inputFor(model, file, i));
  for (let i = 0; i < 500; i++) renderFile(inputs[i % inputs.length] as (typeof inputs)[number]);
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < seconds * 1000) {
    const t0 = performance.now();
    renderFile(inputs[n % inputs.length] as (typeof inputs)[number]);
    samples.push((performance.now() - t0) * 1000);
    n += 1;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const lat = summarize(samples);
  results.push({ dialect, model: model.id, file: file.name, bytes, rendersPerSec: (n * 1000) / elapsed, rendersPerCpuSec: (n * 1000) / cpuMs, p50Us: lat.p50, p99Us: lat.p99 });
}

const largest = results.reduce((a, b) => (b.bytes > a.bytes ? b : a));
process.stdout.write(
  [
    '| dialect | model | file | bytes | renders per CPU-second (1 core) | renders/s wall clock | p50 µs | p99 µs |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.dialect}${r === largest ? ' (largest)' : ''} | ${r.model} | ${r.file} | ${r.bytes} | ${round(r.rendersPerCpuSec, 0)} | ${round(r.rendersPerSec, 0)} | ${round(r.p50Us, 1)} | ${round(r.p99Us, 1)} |`,
    ),
    '',
    `largest dialect ${largest.dialect}: ${round(largest.rendersPerCpuSec, 0)} renders per CPU-second (target ≥ 5,000): ${largest.rendersPerCpuSec >= 5_000 ? 'met' : 'MISSED'}`,
    '',
  ].join('\n'),
);
