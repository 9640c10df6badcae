import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCatalog } from '../server/io/read-catalog.ts';
import { PACKAGE_ROOT } from '../server/main.ts';
import { createServices } from '../server/services/index.ts';
import { openDatabase } from '../server/store/database.ts';
import { rssMiB, startDeskprov } from './lib/processes.ts';
import { seedDataDir } from './lib/seed.ts';
import { round, summarize } from './lib/stats.ts';

/**
 * Benchmark 4, agent reports: N devices (default 10,000), each with its agent token, send status
 * reports (`POST /api/v1/agent/reports`, CONTRACT.md) — SIP state, firmware, network evidence with
 * LLDP — `--rounds` times each, `--concurrency` in flight on keep-alive connections. Every answer
 * must be 202; afterwards every device's stored status must carry its last report (none lost).
 * `node --import tsx bench/agent-reports.ts [--devices 10000] [--rounds 2] [--concurrency 64]`
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    deadline: { type: 'string', default: '60' },
  },
});
const count = Number(values.devices);
const rounds = Number(values.rounds);
const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-agent-'));
const dataDir = path.join(work, 'data');
mkdirSync(dataDir);

function post(agent: http.Agent, port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/v1/agent/reports', method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

try {
  const seeded = seedDataDir(dataDir, count, 0, { agentTokens: true });
  const server = await startDeskprov({ dataDir, adminToken: seeded.adminToken, logFile: path.join(work, 'deskprov.log') });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const lastFirmware = new Map<string, string>();
  const lastRound = new Map<string, number>();
  let sent = 0;
  const started = performance.now();
  const deadline = started + Number(values.deadline) * 1000;
  try {
    const jobs = Array.from({ length: rounds * count }, (_, n) => ({ round: Math.floor(n / count), device: seeded.devices[n % count] }));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && performance.now() < deadline) {
        const job = jobs[next++];
        const device = job?.device;
        if (job === undefined || device?.agentToken === undefined) continue;
        const firmware = `bench-${job.round}-${device.mac}`;
        const body = JSON.stringify({
          id: `r${job.round}-${device.mac}`,
          at: new Date(Date.now()).toISOString(),
          mac: device.mac,
          firmware,
          sip: { registered: true, registrar: 'pbx.example.com' },
          network: { ip: '10.1.2.3', gateway: '10.1.2.1', lldp: { chassisId: { type: 'mac', value: '00:11:22:33:44:55' }, portId: { type: 'ifname', value: `Gi1/0/${(next % 48) + 1}` } } },
        });
        const t0 = performance.now();
        sent += 1;
        const status = await post(agent, server.port, device.agentToken, body).catch(() => 0);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        // Answers can arrive out of order: the newest report (highest round) is the one that must stay.
        if (status === 202 && (lastRound.get(device.mac) ?? -1) < job.round) {
          lastRound.set(device.mac, job.round);
          lastFirmware.set(device.mac, firmware);
        }
      }
    };
    await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  } finally {
    agent.destroy();
  }
  const elapsed = performance.now() - started;
  const rss = rssMiB(server.child.pid ?? 0);
  await server.stop();

  // None lost: every accepted report's content is what the device's status shows now.
  const db = openDatabase(path.join(dataDir, 'deskprov.db'));
  const services = createServices({ db, catalog: readCatalog(path.join(PACKAGE_ROOT, 'firmware-profiles')) });
  let lost = 0;
  for (const [mac, firmware] of lastFirmware) {
    const stored = services.e911.deviceStatus(mac).firmware;
    if (stored !== firmware) {
      if (lost < 3) process.stderr.write(`lost: ${mac} sent ${firmware}, stored ${stored}\n`);
      lost += 1;
    }
  }
  db.close();

  const lat = summarize(latencies);
  const accepted = statuses['202'] ?? 0;
  process.stdout.write(
    [
      `${count} devices, ${rounds} report(s) each, concurrency ${values.concurrency}`,
      '',
      '| reports sent | accepted (202) | other answers | reports/s | p50 ms | p99 ms | lost | RSS MiB |',
      '|---|---|---|---|---|---|---|---|',
      `| ${sent} | ${accepted} | ${JSON.stringify(Object.fromEntries(Object.entries(statuses).filter(([k]) => k !== '202')))} | ${round((accepted * 1000) / elapsed, 0)} | ${round(lat.p50)} | ${round(lat.p99)} | ${lost} | ${round(rss, 0)} |`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
