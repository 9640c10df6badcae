import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderFileName } from '../server/provisioning/file-pattern.ts';
import { PACKAGE_ROOT } from '../server/main.ts';
import { phoneAddress } from './lib/phone-walk.ts';
import { freePort, startInTftpd, type Running } from './lib/processes.ts';
import { seedDataDir, type SeededDevice } from './lib/seed.ts';
import { round } from './lib/stats.ts';
import { tftpGet, type TftpGetResult } from './lib/tftp-client.ts';

/**
 * Benchmark 2, TFTP: `--phones` phones (default 200, every catalogue model) each fetch their
 * config and then a `--firmware-mib` firmware image (default 20 MiB), all at once, lock-step, from
 * deskprov's TFTP server and from tftp-hpa's in.tftpd serving the same bytes, at blksize 512 and
 * 1428. Each run stops after `--seconds`; transfers still running then are counted as unfinished
 * (cut by the bound), not failed. Throughput is payload bytes received per second.
 * `node --import tsx bench/tftp.ts [--phones 200] [--firmware-mib 20] [--seconds 30]`
 */

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '200' },
    'firmware-mib': { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
  },
});
const phones = Number(values.phones);
const seconds = Number(values.seconds);
const FIRMWARE = 'bench-firmware.rom';

interface RunResult {
  server: string;
  blksize: number;
  bytes: number;
  elapsedMs: number;
  ok: number;
  failed: number;
  unfinished: number;
  errors: Record<string, number>;
  configsOk: number;
  wrongBytes: number;
}

function configName(device: SeededDevice): string {
  const file = device.model.files.find((f) => f.kind === 'device') ?? device.model.files[0];
  return renderFileName(file?.name ?? '', device.model.modelToken, device.mac);
}

async function startOurs(dataDir: string, firmwareDir: string, logFile: string): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'bench', 'lib', 'tftp-server-process.ts'), dataDir, String(port), firmwareDir, logFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: PACKAGE_ROOT,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`TFTP server exited ${code}`)));
  });
  return {
    child,
    port,
    startMs: performance.now() - started,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Transfers cut at the bound stay open on the server until its retries run out (5 × 1 s). */
const drain = () => new Promise((resolve) => setTimeout(resolve, 8_000));

async function run(server: string, port: number, devices: SeededDevice[], blksize: number, expected: Map<string, string>, block: number): Promise<RunResult> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const results: Array<{ name: string; r: TftpGetResult }> = [];
  await Promise.all(
    devices.map(async (device, i) => {
      const localAddress = phoneAddress(block, i);
      for (const file of [configName(device), FIRMWARE]) {
        const r = await tftpGet({ port, localAddress, file, blksize, timeoutMs: 1000, retries: 5, deadline });
        results.push({ name: file, r });
        if (r.outcome !== 'ok') break;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const errors: Record<string, number> = {};
  let wrongBytes = 0;
  for (const { name, r } of results) {
    if (r.outcome === 'failed') errors[r.error ?? 'unknown'] = (errors[r.error ?? 'unknown'] ?? 0) + 1;
    const want = expected.get(name);
    if (r.outcome === 'ok' && want !== undefined && want !== r.sha256) wrongBytes += 1;
  }
  return {
    server,
    blksize,
    bytes: results.reduce((n, { r }) => n + r.bytes, 0),
    elapsedMs,
    ok: results.filter(({ r }) => r.outcome === 'ok').length,
    failed: results.filter(({ r }) => r.outcome === 'failed').length,
    unfinished: results.filter(({ r }) => r.outcome === 'unfinished').length,
    errors,
    configsOk: results.filter(({ name, r }) => name !== FIRMWARE && r.outcome === 'ok').length,
    wrongBytes,
  };
}

const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-tftp-'));
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
const firmwareDir = path.join(work, 'firmware');
const refRoot = path.join(work, 'tftpboot');
for (const dir of [dataDir, firmwareDir, refRoot]) mkdirSync(dir);
try {
  const seeded = seedDataDir(dataDir, phones, phones);
  const image = randomBytes(Number(values['firmware-mib']) * 1024 * 1024);
  writeFileSync(path.join(firmwareDir, FIRMWARE), image);
  writeFileSync(path.join(refRoot, FIRMWARE), image, { mode: 0o644 });
  const expected = new Map<string, string>([[FIRMWARE, createHash('sha256').update(image).digest('hex')]]);

  const ours = await startOurs(dataDir, firmwareDir, path.join(work, 'tftp.log'));
  const rows: RunResult[] = [];
  try {
    // The configs as deskprov serves them over TFTP (secrets withheld): the reference serves these bytes.
    await Promise.all(
      seeded.devices.map(async (device, i) => {
        const name = configName(device);
        const body = await fetchBody(ours.port, phoneAddress(90, i), name);
        expected.set(name, createHash('sha256').update(body).digest('hex'));
        writeFileSync(path.join(refRoot, name), body, { mode: 0o644 });
      }),
    );
    for (const blksize of [512, 1428]) {
      await drain();
      rows.push(await run('deskprov', ours.port, seeded.devices, blksize, expected, blksize === 512 ? 100 : 110));
      process.stderr.write(`deskprov blksize ${blksize} done\n`);
    }
  } finally {
    await ours.stop();
  }
  const ref = await startInTftpd({ root: refRoot, port: await freePort() });
  try {
    for (const blksize of [512, 1428]) {
      await drain();
      rows.push(await run('in.tftpd (tftp-hpa)', ref.port, seeded.devices, blksize, expected, blksize === 512 ? 120 : 130));
      process.stderr.write(`in.tftpd blksize ${blksize} done\n`);
    }
  } finally {
    await ref.stop();
  }
  const mibps = (r: RunResult) => r.bytes / 1048576 / (r.elapsedMs / 1000);
  const refOf = (r: RunResult) => rows.find((x) => x.server !== 'deskprov' && x.blksize === r.blksize);
  process.stdout.write(
    [
      `${phones} phones, config + ${values['firmware-mib']} MiB firmware each, all at once, ${seconds} s bound per run`,
      '',
      '| server | blksize | MiB/s | vs in.tftpd | transfers ok | failed | unfinished at bound | configs ok | wrong bytes |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const base = refOf(r);
        const ratio = base === undefined ? '—' : `${round(mibps(r) / mibps(base))}×`;
        const failed = r.failed === 0 ? '0' : `${r.failed} ${JSON.stringify(r.errors)}`;
        return `| ${r.server} | ${r.blksize} | ${round(mibps(r), 1)} | ${ratio} | ${r.ok} | ${failed} | ${r.unfinished} | ${r.configsOk}/${phones} | ${r.wrongBytes} |`;
      }),
      '',
    ].join('\n'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** One whole file over TFTP, kept (for the reference root). */
async function fetchBody(port: number, localAddress: string, file: string): Promise<Buffer> {
  const dgram = await import('node:dgram');
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`timeout fetching ${file}`));
    }, 10_000);
    socket.on('message', (msg, rinfo) => {
      const op = msg.readUInt16BE(0);
      if (op !== 3) {
        clearTimeout(timer);
        socket.close();
        return reject(new Error(`unexpected opcode ${op} for ${file}`));
      }
      const data = msg.subarray(4);
      parts.push(Buffer.from(data));
      const a = Buffer.alloc(4);
      a.writeUInt16BE(4, 0);
      a.writeUInt16BE(msg.readUInt16BE(2), 2);
      const last = data.length < 512;
      // The last ACK must leave before the socket closes, or the server keeps the transfer open.
      socket.send(a, rinfo.port, '127.0.0.1', () => {
        if (!last) return;
        clearTimeout(timer);
        socket.close();
        resolve(Buffer.concat(parts));
      });
    });
    socket.bind({ address: localAddress, port: 0 }, () => socket.send(Buffer.from(`\0\x01${file}\0octet\0`, 'binary'), port, '127.0.0.1'));
  });
}
