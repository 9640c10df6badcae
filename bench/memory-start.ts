import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rssMiB, startDeskprov } from './lib/processes.ts';
import { seedDataDirCached } from './lib/seed.ts';
import { round } from './lib/stats.ts';

/**
 * Benchmark 5, memory and start: `deskprov serve` on a data folder holding N devices (default
 * 50,000, every catalogue model), started `--starts` times. Start time is from spawning the
 * process to its "serving" line (HTTP listening); RSS is read from /proc right after the start
 * and after one phone file and one admin listing were answered.
 * `node --import tsx bench/memory-start.ts [--devices 50000] [--starts 3]`
 */

const { values } = parseArgs({ options: { devices: { type: 'string', default: '50000' }, starts: { type: 'string', default: '3' } } });
const devices = Number(values.devices);
const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-memory-'));
const dataDir = path.join(work, 'data');
mkdirSync(dataDir);
try {
  const t0 = performance.now();
  const seeded = seedDataDirCached(dataDir, devices, devices);
  process.stderr.write(`seeded ${devices} devices in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const rows: string[] = [];
  for (let i = 0; i < Number(values.starts); i++) {
    const server = await startDeskprov({ dataDir, adminToken: seeded.adminToken, logFile: path.join(work, 'deskprov.log') });
    try {
      const rssStart = rssMiB(server.child.pid ?? 0);
      const device = seeded.devices[devices - 1];
      const phone = await fetch(`http://127.0.0.1:${server.port}/api/v1/devices?limit=100`, { headers: { authorization: `Bearer ${seeded.adminToken}` } });
      await phone.arrayBuffer();
      const file = device?.model.files.find((f) => f.kind === 'common' || f.kind === 'boot');
      if (file !== undefined && !file.name.includes('{')) await (await fetch(`http://127.0.0.1:${server.port}/${file.name}`)).arrayBuffer();
      const rssServing = rssMiB(server.child.pid ?? 0);
      rows.push(`| ${i + 1} | ${devices} | ${round(server.startMs, 0)} | ${round(rssStart, 0)} | ${round(rssServing, 0)} |`);
    } finally {
      await server.stop();
    }
  }
  process.stdout.write(
    ['| start | devices in DB | start ms (spawn → listening) | RSS MiB after start | RSS MiB after first requests |', '|---|---|---|---|---|', ...rows, ''].join('\n'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
