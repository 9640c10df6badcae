/**
 * The I/O half of `deskprov doctor`: looks at the machine and the data folder and returns the
 * facts server/doctor/doctor-checks.ts judges. Every probe has a timeout and reports its failure
 * as a fact; nothing here throws for a broken setup, and nothing here writes.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { readCatalog } from '../io/read-catalog.ts';
import { readDoctorDatabase, readDoctorPostgres } from '../store/doctor-read-repo.ts';
import type { DoctorFacts, ListenerFacts, ProbeResult, SocketHolder } from './doctor-checks.ts';

export interface GatherOptions {
  config: Config;
  /** Interface names configured for discovery (read apart from Config, which refuses missing ones). */
  discovery: string[];
  /** Folder holding firmware-profiles/. */
  packageRoot: string;
  /** Per network probe. */
  timeoutMs?: number;
  now?: Date;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** Gathers every fact doctor judges; the probes run concurrently where they are independent. */
export async function gatherFacts(options: GatherOptions): Promise<DoctorFacts> {
  const { config } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const listenerSpecs: Array<Pick<ListenerFacts, 'name' | 'protocol' | 'host' | 'port'>> = [
    { name: 'http', protocol: 'tcp', ...config.http },
    ...(config.https === null ? [] : [{ name: 'https' as const, protocol: 'tcp' as const, ...config.https }]),
    ...(config.tftp === null ? [] : [{ name: 'tftp' as const, protocol: 'udp' as const, ...config.tftp }]),
  ];
  const [listeners, publicProbe, clock] = await Promise.all([
    Promise.all(listenerSpecs.map((spec) => listenerFacts(spec, timeoutMs))),
    probeHealth(new URL('healthz', config.publicUrl), timeoutMs),
    clockFacts(timeoutMs),
  ]);
  const dbFile = path.join(config.dataDir, 'deskprov.db');
  const database = config.databaseUrl === null ? readDoctorDatabase(dbFile) : readDoctorPostgres(config.databaseUrl);
  return {
    now: options.now ?? new Date(),
    listeners,
    publicUrl: { url: config.publicUrl, result: publicProbe },
    tls: config.https === null ? null : tlsFacts(path.join(config.dataDir, 'tls', 'cert.pem')),
    database:
      config.databaseUrl === null
        ? { engine: 'sqlite', file: dbFile, integrity: database.integrity }
        : { engine: 'postgres', file: withoutCredentials(config.databaseUrl), integrity: database.integrity },
    disk: diskFacts(config.dataDir),
    catalogue: catalogueFacts(options.packageRoot),
    clock,
    discovery: { configured: options.discovery, present: Object.keys(os.networkInterfaces()) },
    inventory: database.inventory,
  };
}

/** A wildcard listener is asked over loopback; a specific address is asked there. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

async function listenerFacts(
  spec: Pick<ListenerFacts, 'name' | 'protocol' | 'host' | 'port'>,
  timeoutMs: number,
): Promise<ListenerFacts> {
  const bindResult = await testBind(spec.protocol, spec.host, spec.port);
  const inUse = bindResult.bind === 'in-use' || bindResult.bind === 'no-permission';
  let answersAsDeskprov: boolean | null = null;
  if (spec.protocol === 'tcp' && inUse) {
    const scheme = spec.name === 'https' ? 'https' : 'http';
    const host = connectHost(spec.host);
    const url = new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${spec.port}/healthz`);
    const probe = await probeHealth(url, timeoutMs);
    answersAsDeskprov = probe.ok && probe.deskprov;
  }
  return {
    ...spec,
    ...bindResult,
    holder: bindResult.bind === 'in-use' ? findSocketHolder(spec.protocol, spec.port) : null,
    answersAsDeskprov,
  };
}

/** Binds the address for a moment (exclusively) to learn whether something else has it. */
function testBind(protocol: 'tcp' | 'udp', host: string, port: number): Promise<Pick<ListenerFacts, 'bind' | 'bindError'>> {
  const classify = (err: NodeJS.ErrnoException): Pick<ListenerFacts, 'bind' | 'bindError'> => {
    if (err.code === 'EADDRINUSE') return { bind: 'in-use', bindError: null };
    if (err.code === 'EADDRNOTAVAIL') return { bind: 'address-not-here', bindError: err.code };
    if (err.code === 'EACCES' || err.code === 'EPERM') return { bind: 'no-permission', bindError: err.code };
    return { bind: 'error', bindError: err.code ?? err.message };
  };
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = net.createServer();
      server.once('error', (err) => resolve(classify(err)));
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ bind: 'free', bindError: null })));
      return;
    }
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (err) => {
      socket.close();
      resolve(classify(err));
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve({ bind: 'free', bindError: null })));
  });
}

/**
 * The process holding a listening socket on `port`, from /proc/net and each process's fd links
 * (Linux). Null when /proc is absent or the holder belongs to a user doctor may not look at.
 */
export function findSocketHolder(protocol: 'tcp' | 'udp', port: number): SocketHolder | null {
  const inodes = new Set<string>();
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of protocol === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      // TCP state 0A is LISTEN (include/net/tcp_states.h); UDP sockets are 07 (CLOSE) when bound.
      if (local === undefined || inode === undefined || inode === '0') continue;
      if (protocol === 'tcp' && state !== '0A') continue;
      if (local.endsWith(`:${portHex}`)) inodes.add(inode);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match?.[1] !== undefined && inodes.has(match[1])) {
        let command = '';
        try {
          // The first words only: enough to recognise the program, short of any secret passed later.
          const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
          command = `${words.slice(0, 3).join(' ')}${words.length > 3 ? ' …' : ''}`.slice(0, 120);
        } catch {
          command = '?';
        }
        return { pid: Number(pid), command };
      }
    }
  }
  return null;
}

/** `GET <url>` once; deskprov's /healthz answers 200 `{"status":"ok"}`. Certificates are not checked here (the TLS finding does that). */
export function probeHealth(url: URL, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      response.on('end', () => {
        let deskprov = false;
        try {
          deskprov = response.statusCode === 200 && (JSON.parse(body) as { status?: unknown }).status === 'ok';
        } catch {
          deskprov = false;
        }
        resolve({ ok: true, status: response.statusCode ?? 0, deskprov });
      });
      response.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

function tlsFacts(file: string): NonNullable<DoctorFacts['tls']> {
  try {
    const cert = new X509Certificate(readFileSync(file));
    return { file, certificate: { notAfter: new Date(cert.validTo), subject: cert.subject.replace(/\n/g, ', ') } };
  } catch (err) {
    return { file, certificate: { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message } };
  }
}

function diskFacts(dir: string): DoctorFacts['disk'] {
  try {
    const stats = statfsSync(dir);
    return { path: dir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch (err) {
    return { path: dir, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

function catalogueFacts(packageRoot: string): DoctorFacts['catalogue'] {
  try {
    return { models: readCatalog(path.join(packageRoot, 'firmware-profiles')).all().length };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** `timedatectl show -p NTPSynchronized --value`: yes/no, anything else (no systemd, no timedatectl) is unknown. */
function clockFacts(timeoutMs: number): Promise<DoctorFacts['clock']> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const value = stdout.trim();
      if (err === null && (value === 'yes' || value === 'no')) {
        resolve({ synchronized: value === 'yes', detail: `timedatectl: NTPSynchronized=${value}` });
        return;
      }
      const code = (err as NodeJS.ErrnoException | null)?.code;
      const detail = code === 'ENOENT' ? 'timedatectl is not installed' : `timedatectl gave no answer: ${(stderr.trim() || value || 'no output').split('\n')[0]}`;
      resolve({ synchronized: null, detail });
    });
  });
}

/** The database URL as doctor may show it: host, port and database name, never user or password. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
