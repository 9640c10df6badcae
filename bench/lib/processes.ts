import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../server/main.ts';

/**
 * Starting and stopping the processes a benchmark measures: deskprov through its real CLI entry,
 * and the reference servers (nginx, tftp-hpa's in.tftpd) in the foreground on loopback, each with
 * its config and pid file in the benchmark's temp folder. Every process is stopped by its own pid.
 */

export interface Running {
  child: ChildProcess;
  port: number;
  /** Milliseconds from spawn until it answered or announced it was listening. */
  startMs: number;
  stop(): Promise<void>;
}

/** A TCP (or UDP) port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Stops a child with SIGTERM (SIGKILL after 5 s); resolves once it has exited. */
export function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0');
  return kb / 1024;
}

export function findTool(name: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is missing: run bash bench/setup.sh`);
}

/**
 * `deskprov serve` as a phone would meet it: the CLI entry, HTTP on a loopback port, log lines to a
 * file (every phone request is logged at info, as in production). `extraArgs` adds flags.
 */
export async function startDeskprov(opts: {
  dataDir: string;
  adminToken: string;
  logFile: string;
  extraArgs?: string[];
  /** More environment, e.g. `DESKPROV_DB` for an instance on PostgreSQL. */
  env?: Record<string, string>;
}): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const out = openSync(opts.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server (open it in Chrome DevTools).
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      path.join(PACKAGE_ROOT, 'bin', 'deskprov.mjs'),
      'serve',
      '--data',
      opts.dataDir,
      '--http',
      `127.0.0.1:${port}`,
      '--tftp',
      'off',
      '--public-url',
      `http://127.0.0.1:${port}/`,
      '--log',
      'info',
      ...(opts.extraArgs ?? []),
    ],
    { env: { ...process.env, DESKPROV_ADMIN_TOKEN: opts.adminToken, ...opts.env }, stdio: ['ignore', out, 'pipe'] },
  );
  const startMs = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`deskprov did not start within 60 s: ${err}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (err.includes('deskprov serving on')) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`deskprov exited (${code}): ${err}`));
    });
  });
  return { child, port, startMs, stop: stopper(child) };
}

/** nginx from Debian, one worker (deskprov is one Node process), serving `root` as static files. */
export async function startNginx(opts: { root: string; workDir: string }): Promise<Running> {
  const nginx = findTool('nginx');
  const port = await freePort();
  const conf = path.join(opts.workDir, 'nginx.conf');
  // Workers drop to an unprivileged user when started as root: the served tree must be readable.
  for (const dir of [opts.workDir, opts.root]) chmodSync(dir, 0o755);
  writeFileSync(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(opts.workDir, 'nginx.pid')};`,
      `error_log ${path.join(opts.workDir, 'nginx-error.log')} warn;`,
      'events { worker_connections 8192; }',
      'http {',
      `  access_log ${path.join(opts.workDir, 'nginx-access.log')};`,
      `  client_body_temp_path ${opts.workDir}/nginx-body;`,
      `  proxy_temp_path ${opts.workDir}/nginx-proxy;`,
      `  fastcgi_temp_path ${opts.workDir}/nginx-fastcgi;`,
      `  uwsgi_temp_path ${opts.workDir}/nginx-uwsgi;`,
      `  scgi_temp_path ${opts.workDir}/nginx-scgi;`,
      '  sendfile on;',
      '  keepalive_requests 100000;',
      '  default_type application/octet-stream;',
      `  server { listen 127.0.0.1:${port}; root ${opts.root}; location / { try_files $uri =404; } }`,
      '}',
      '',
    ].join('\n'),
  );
  const started = performance.now();
  const child = spawn(nginx, ['-c', conf, '-p', opts.workDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForTcp(port, child);
  return { child, port, startMs: performance.now() - started, stop: stopper(child) };
}

/** tftp-hpa's in.tftpd in the foreground on a loopback port, read-only, serving `root`. */
export async function startInTftpd(opts: { root: string; port: number; blocksizeMax?: number }): Promise<Running> {
  const tftpd = findTool('in.tftpd');
  chmodSync(opts.root, 0o755);
  const started = performance.now();
  const child = spawn(tftpd, ['-L', '-a', `127.0.0.1:${opts.port}`, '-s', opts.root, '-u', 'root'], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error(`in.tftpd exited with ${child.exitCode}`);
  return { child, port: opts.port, startMs: performance.now() - started, stop: stopper(child) };
}

export async function waitForTcp(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
