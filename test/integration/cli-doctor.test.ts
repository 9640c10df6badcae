import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo } from '../../server/cli/output.ts';
import type { Finding } from '../../server/doctor/doctor-checks.ts';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { servedConfig } from './helpers/test-config.ts';
import { adminApi, type AdminAnswer } from './helpers/admin-api.ts';

/**
 * `deskprov doctor` against a real server in this process (HTTP, HTTPS and TFTP on 127.0.0.1),
 * with each bad situation built for real: a port held by another program, an expired certificate,
 * a damaged database copy, a site without networks, a discovery interface that does not exist.
 */
const ADMIN_TOKEN = 'cli-doctor-admin-token-0123456789';
let dir: string;

interface Started {
  server: RunningServer;
  dataDir: string;
  /** doctor flags naming this server's listeners. */
  flags: string[];
}

async function start(name: string, prepare?: (dataDir: string) => void): Promise<Started> {
  const dataDir = join(dir, name);
  mkdirSync(dataDir, { recursive: true });
  prepare?.(dataDir);
  const config = servedConfig(dataDir, ADMIN_TOKEN, { https: { host: '127.0.0.1', port: 0 }, tftp: { host: '127.0.0.1', port: 0 } });
  const server = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
  const httpPort = new URL(server.httpUrl).port;
  const flags = [
    '--data', dataDir,
    '--http', `127.0.0.1:${httpPort}`,
    '--https', `127.0.0.1:${server.https!.port}`,
    '--tftp', `127.0.0.1:${server.tftp!.address().port}`,
  ];
  return { server, dataDir, flags };
}

async function doctor(args: string[]): Promise<{ code: number; findings: Finding[]; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false, env: {} };
  const code = await runCli(['node', 'deskprov', 'doctor', '--json', '--timeout', '3000', ...args], io);
  const findings = stdout === '' ? [] : (JSON.parse(stdout) as { findings: Finding[] }).findings;
  return { code, findings, stdout, stderr };
}

const finding = (findings: Finding[], check: string): Finding => {
  const found = findings.find((f) => f.check === check);
  if (found === undefined) throw new Error(`no finding ${check} in ${findings.map((f) => f.check).join(', ')}`);
  return found;
};

const api = (server: RunningServer, method: string, path: string, body?: unknown): Promise<AdminAnswer> =>
  adminApi(server.httpUrl, ADMIN_TOKEN, method, path, body);

const SITE = {
  name: 'HQ',
  timezone: 'Europe/Berlin',
  networks: ['127.0.0.0/8'],
  extensionRange: { first: 1000, last: 1999 },
  registrar: { host: 'pbx.example.net' },
};

let healthy: Started;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-doctor-'));
  healthy = await start('healthy');
  expect((await api(healthy.server, 'POST', '/sites', SITE)).status).toBe(201);
});

afterAll(async () => {
  await healthy?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deskprov doctor', () => {
  it('finds nothing wrong with a healthy server and exits 0', async () => {
    const run = await doctor(healthy.flags);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The clock may be "unknown" (a warning) where systemd is not PID 1; nothing else may be off.
    const notOk = run.findings.filter((f) => f.status !== 'ok' && f.check !== 'clock');
    expect(notOk).toEqual([]);
    expect(finding(run.findings, 'clock').status).not.toBe('fail');
    for (const check of ['listener.http', 'listener.https', 'listener.tftp', 'public-url', 'tls.certificate', 'database.integrity', 'disk.free']) {
      expect(finding(run.findings, check).status, check).toBe('ok');
    }
    expect(finding(run.findings, 'catalogue').explanation).toMatch(/loaded with \d+ models/);
    expect(run.findings.every((f) => (f.status === 'ok') === (f.fix === null))).toBe(true);
  });

  it('prints the findings for a person without --json, each problem with its fix', async () => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => {}, isTty: false, env: {} };
    const code = await runCli(['node', 'deskprov', 'doctor', ...healthy.flags, '--discovery', 'no-such-if0'], io);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}discovery\.interfaces: .*no-such-if0/m);
    expect(stdout).toMatch(/^ {6}fix: name existing interfaces/m);
    expect(stdout).toMatch(/^ok {4}listener\.http: deskprov answers on HTTP TCP 127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/\d+ ok, \d+ warnings, 1 failures\n$/);
  });

  it('fails on a port already held by another program, naming that process, and exits 1', async () => {
    // Another web server on the HTTP port, and another process on the TFTP port.
    const other = http.createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const udpHolder = await holdUdpPortInChild();
    try {
      const run = await doctor([
        '--data', healthy.dataDir,
        '--http', `127.0.0.1:${otherPort}`,
        '--tftp', `127.0.0.1:${udpHolder.port}`,
      ]);
      expect(run.code).toBe(1);
      const httpFinding = finding(run.findings, 'listener.http');
      expect(httpFinding.status).toBe('fail');
      expect(httpFinding.explanation).toContain(`127.0.0.1:${otherPort} is held by pid ${process.pid}`);
      expect(httpFinding.explanation).toContain('does not answer as deskprov');
      const tftpFinding = finding(run.findings, 'listener.tftp');
      expect(tftpFinding.status).toBe('fail');
      expect(tftpFinding.explanation).toContain(`held by pid ${udpHolder.child.pid}`);
      expect(tftpFinding.fix).toContain('stop the other TFTP server');
      expect(finding(run.findings, 'public-url').status).toBe('fail');
    } finally {
      udpHolder.child.kill('SIGKILL');
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('fails on nothing listening at all: the server is not running', async () => {
    const free = http.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const run = await doctor(['--data', healthy.dataDir, '--http', `127.0.0.1:${port}`, '--tftp', 'off']);
    expect(run.code).toBe(1);
    expect(finding(run.findings, 'listener.http').explanation).toMatch(/^nothing listens on HTTP TCP 127\.0\.0\.1:\d+: deskprov is not running/);
  });

  it('fails on an expired HTTPS certificate the server is really serving', async () => {
    const expired = await start('expired', (dataDir) => expiredCertificate(join(dataDir, 'tls')));
    try {
      const run = await doctor(expired.flags);
      expect(run.code).toBe(1);
      const tls = finding(run.findings, 'tls.certificate');
      expect(tls.status).toBe('fail');
      expect(tls.explanation).toContain('the HTTPS certificate (CN=127.0.0.1) expired on 2024-02-01T00:00:00.000Z');
      expect(tls.fix).toContain('renew it');
      // Everything else about that server is fine.
      expect(finding(run.findings, 'listener.https').status).toBe('ok');
    } finally {
      await expired.server.close();
    }
  }, 30_000);

  it('fails on a damaged copy of the database, and leaves the inventory unchecked', async () => {
    const copyDir = join(dir, 'damaged');
    mkdirSync(copyDir, { recursive: true });
    const copy = join(copyDir, 'deskprov.db');
    // A consistent copy of the live database first (VACUUM INTO), then garbage over its middle pages.
    const source = new BetterSqlite3(join(healthy.dataDir, 'deskprov.db'), { readonly: true });
    source.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`);
    source.close();
    const pageSize = 4096;
    const pages = Math.floor(statSync(copy).size / pageSize);
    expect(pages).toBeGreaterThan(4);
    const fd = openSync(copy, 'r+');
    for (let page = 2; page < pages; page += 2) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
    closeSync(fd);

    const run = await doctor([...healthy.flags.filter((_, i, all) => all[i - 1] !== '--https' && all[i] !== '--https'), '--data', copyDir]);
    expect(run.code).toBe(1);
    const db = finding(run.findings, 'database.integrity');
    expect(db.status).toBe('fail');
    expect(db.explanation).toContain('is damaged or unreadable');
    expect(db.fix).toContain('deskprov restore');
    expect(finding(run.findings, 'inventory').status).toBe('warn');
  });

  it('fails on a discovery interface this machine does not have', async () => {
    const run = await doctor([...healthy.flags, '--discovery', 'lo,no-such-if0']);
    expect(run.code).toBe(1);
    const discovery = finding(run.findings, 'discovery.interfaces');
    expect(discovery.status).toBe('fail');
    expect(discovery.explanation).toContain('no-such-if0');
    expect(discovery.explanation).not.toMatch(/configured on lo\b/);
  });

  it('warns about a site without networks (its phones are refused) but exits 0', async () => {
    const created = await api(healthy.server, 'POST', '/sites', { ...SITE, name: 'Empty Branch', networks: [], extensionRange: { first: 2000, last: 2999 } });
    expect(created.status).toBe(201);
    try {
      const run = await doctor(healthy.flags);
      expect(run.code).toBe(0);
      const sites = finding(run.findings, 'sites.networks');
      expect(sites.status).toBe('warn');
      expect(sites.explanation).toContain(`Empty Branch (${created.body.id})`);
      expect(sites.explanation).not.toContain('HQ');
      expect(finding(run.findings, 'sites.registrar').status).toBe('ok');
    } finally {
      expect((await api(healthy.server, 'DELETE', `/sites/${created.body.id}`)).status).toBeLessThan(300);
    }
  });

  it('refuses bad settings with exit 2, as serve does', async () => {
    const run = await doctor(['--http', 'nonsense']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--http / DESKPROV_HTTP');
  });
});

/** A separate process holding a UDP port on 127.0.0.1, so the holder is not this test process. */
function holdUdpPortInChild(): Promise<{ child: ChildProcess; port: number }> {
  const script =
    "const s=require('node:dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port)+'\\n')});";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, port: Number(chunk.toString().trim()) }));
    child.once('exit', (code) => reject(new Error(`udp holder exited ${String(code)}`)));
  });
}

/**
 * An RSA key and a self-signed certificate valid only in January 2024, made by `openssl ca`
 * (`openssl req -x509` cannot back-date, and selfsigned refuses to return an expired certificate).
 */
function expiredCertificate(tlsDir: string): void {
  const work = mkdtempSync(join(dir, 'ca-'));
  writeFileSync(join(work, 'index.txt'), '');
  writeFileSync(join(work, 'serial'), '01\n');
  writeFileSync(
    join(work, 'ca.cnf'),
    [
      '[ca]', 'default_ca = expired',
      '[expired]', `database = ${join(work, 'index.txt')}`, `new_certs_dir = ${work}`, `serial = ${join(work, 'serial')}`,
      'default_md = sha256', 'policy = any',
      '[any]', 'commonName = supplied',
      '[req]', 'distinguished_name = dn', 'prompt = no',
      '[dn]', 'CN = 127.0.0.1',
    ].join('\n'),
  );
  mkdirSync(tlsDir, { recursive: true });
  const key = join(tlsDir, 'key.pem');
  const csr = join(work, 'req.csr');
  const cnf = join(work, 'ca.cnf');
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-config', cnf], { stdio: 'ignore' });
  execFileSync(
    'openssl',
    ['ca', '-batch', '-selfsign', '-config', cnf, '-keyfile', key, '-in', csr, '-out', join(tlsDir, 'cert.pem'), '-notext',
      '-startdate', '20240101000000Z', '-enddate', '20240201000000Z'],
    { stdio: 'ignore' },
  );
}
