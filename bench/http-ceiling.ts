import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../server/main.ts';
import { CEILING_KINDS } from './lib/ceiling-server.ts';
import { phoneAddress, type PhoneWalk } from './lib/phone-walk.ts';
import { cpuSeconds } from './lib/process-cpu.ts';
import { freePort, startNginx, stopper, waitForTcp, type Running } from './lib/processes.ts';
import { round } from './lib/stats.ts';
import { runStorm, type StormResult } from './lib/storm-client.ts';

/**
 * What the boot-storm client and these two cores allow a Node server at all: the storm's load
 * (each phone on its own connection from its own loopback address, 3–4 files in a row) against
 * servers that do no work of their own — Node's HTTP server, fastify, fastify plus one log line —
 * and against nginx serving the same body, with the server's CPU per request. It tells how much
 * of deskprov's per-request budget the platform already takes (docs/PERFORMANCE.md, section 1).
 * `node --import tsx bench/http-ceiling.ts [--phones 8000] [--concurrency 128] [--deadline 10]`
 */

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '8000' },
    concurrency: { type: 'string', default: '128' },
    deadline: { type: 'string', default: '10' },
  },
});

const FILES = ['a.cfg', 'b.cfg', 'c.cfg', 'd.cfg'];

interface Row {
  server: string;
  result: StormResult;
  cpuMicrosPerRequest: number;
  clientMicrosPerRequest: number;
}

/** The process and its children (nginx answers from its worker, not from the master). */
function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  return [pid, ...children.flatMap(processTree)];
}

async function measure(server: string, running: Running, walks: PhoneWalk[], auth: 'digest' | 'none'): Promise<Row> {
  const pids = processTree(running.child.pid ?? 0);
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = cpu();
  const client = process.cpuUsage();
  const result = await runStorm({ port: running.port, walks, concurrency: Number(values.concurrency), auth, deadlineMs: Number(values.deadline) * 1000 });
  const cpuMicrosPerRequest = ((cpu() - before) * 1e6) / Math.max(1, result.requests);
  const clientCpu = process.cpuUsage(client);
  const clientMicrosPerRequest = (clientCpu.user + clientCpu.system) / Math.max(1, result.requests);
  return { server, result, cpuMicrosPerRequest, clientMicrosPerRequest };
}

async function startCeilingServer(kind: string, logFile: string): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'bench', 'lib', 'ceiling-server.ts'), kind, String(port), logFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await waitForTcp(port, child);
  return { child, port, startMs: performance.now() - started, stop: stopper(child) };
}

const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-ceiling-'));
// nginx workers run unprivileged: they must be able to walk into the served tree.
chmodSync(work, 0o755);
try {
  // A phone walks three or four files, as the catalogue's models do (3.3 on average).
  const walks: PhoneWalk[] = Array.from({ length: Number(values.phones) }, (_, i) => ({
    mac: '001565aabbcc',
    secret: 'ceiling-secret',
    modelId: '',
    ip: phoneAddress(80, i),
    userAgent: 'Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc',
    paths: FILES.slice(0, i % 3 === 0 ? 4 : 3),
  }));
  const rows: Row[] = [];
  const root = path.join(work, 'static');
  mkdirSync(root);
  for (const file of FILES) writeFileSync(path.join(root, file), Buffer.alloc(3_000, 'x'));
  const nginxWork = path.join(work, 'nginx');
  mkdirSync(nginxWork);
  const nginx = await startNginx({ root, workDir: nginxWork });
  try {
    rows.push(await measure('nginx (1 worker, static file)', nginx, walks, 'none'));
  } finally {
    await nginx.stop();
  }
  for (const kind of CEILING_KINDS) {
    const server = await startCeilingServer(kind, path.join(work, `${kind}.log`));
    try {
      rows.push(await measure(kind, server, walks, kind === 'node-http-digest' ? 'digest' : 'none'));
    } finally {
      await server.stop();
    }
  }
  const reference = rows[0]?.result.filesPerSec ?? 1;
  const lines = [
    '| server (no work of its own) | files/s | vs nginx | server CPU per request, µs | client CPU per request, µs | p50 ms | p99 ms | failed |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.server} | ${round(r.result.filesPerSec, 0)} | ${round(r.result.filesPerSec / reference)}× | ${round(r.cpuMicrosPerRequest, 0)} | ${round(r.clientMicrosPerRequest, 0)} | ${round(r.result.latency.p50)} | ${round(r.result.latency.p99)} | ${r.result.failed === 0 ? '0' : `${r.result.failed} ${JSON.stringify(r.result.failures)}`} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
