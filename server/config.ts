import os from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { ConfigFile } from './config-file.ts';

/**
 * Settings for one server process (CONTRACT.md "Start and configuration"): flags win over
 * environment, environment over the config file (`--config`, server/config-file.ts), the file over defaults. Parsing is pure so every rule is unit-tested; the
 * caller prints the errors and exits with code 2.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ListenAddress {
  host: string;
  port: number;
}

export interface Limits {
  /** Largest request body accepted, in bytes (larger → 413 PAYLOAD_TOO_LARGE). */
  bodyLimit: number;
  /** A request must arrive completely within this many milliseconds. */
  requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this many milliseconds. */
  keepAliveTimeoutMs: number;
  /** How often expired restorable bindings are purged (also once at start). */
  retentionIntervalMs: number;
}

export interface Config {
  /** Absolute path of the data folder (`deskprov.db`, `secret.key`, `firmware/`, `tls/`, `agent-queue/`). */
  dataDir: string;
  /**
   * `DESKPROV_DB`: a `postgres://` URL to share one PostgreSQL between instances; null means the
   * embedded SQLite file in the data folder. It may hold a password: never log it.
   */
  databaseUrl: string | null;
  http: ListenAddress;
  /** Null when HTTPS is off (the default). */
  https: ListenAddress | null;
  /** Null when TFTP is `off`. */
  tftp: ListenAddress | null;
  /** Base URL phones are told to use, always ending in `/`. */
  publicUrl: string;
  /** True when `publicUrl` was derived from `http` (so a port-0 listener can fill in its port). */
  publicUrlDerived: boolean;
  /** Interface names for mDNS and SIP PnP; empty means discovery is off. */
  discovery: string[];
  logLevel: LogLevel;
  /** `DESKPROV_ADMIN_TOKEN`: the first-start super-admin token; undefined means generate one. */
  adminToken: string | undefined;
  limits: Limits;
  /** Emergency-call notification numbers (config file only); absent means the country defaults alone. */
  emergency?: { extraNumbers: string[]; dialPrefixes: string[] };
  /** Client certificates and encrypted files (config file only); absent means both off. */
  phoneSecurity?: PhoneSecurity;
}

/** `phoneSecurity` of the config file, paths resolved (docs/SECURITY.md). */
export interface PhoneSecurity {
  /** Absolute paths of vendor CA PEM bundles; non-empty makes HTTPS request client certificates. */
  clientCaFiles: string[];
  /** Site ids, or `*`, whose phones must present a vendor certificate. */
  certificateSites: string[];
  /** Site ids, or `*`, whose phones get encrypted files where their model supports it. */
  encryptedFileSites: string[];
}

/** Flag values as given on the command line (all optional strings). */
export interface ConfigFlags {
  data?: string | undefined;
  http?: string | undefined;
  https?: string | undefined;
  tftp?: string | undefined;
  publicUrl?: string | undefined;
  discovery?: string | undefined;
  log?: string | undefined;
}

/** What parsing needs to know about the machine, passed in so parsing stays pure. */
export interface SystemFacts {
  /** Interface name → its addresses (as `os.networkInterfaces()` reports them). */
  interfaces: Record<string, Array<{ address: string; family: string; internal: boolean }>>;
  /** Folder relative data paths are resolved against. */
  cwd: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export const DEFAULTS = {
  data: './data',
  http: '127.0.0.1:8080',
  tftp: '127.0.0.1:6969',
  log: 'info',
} as const;

export const DEFAULT_LIMITS: Limits = {
  bodyLimit: 1024 * 1024,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  retentionIntervalMs: 60 * 60 * 1000,
};

/** Shortest accepted `DESKPROV_ADMIN_TOKEN`: a guessable super-admin token is worse than none. */
export const MIN_ADMIN_TOKEN_LENGTH = 20;

type Env = Record<string, string | undefined>;

/** Reads settings from flags, then environment, then the config file, then defaults; returns every problem at once. */
export function parseConfig(flags: ConfigFlags, env: Env, system: SystemFacts, file: ConfigFile = {}): ConfigResult {
  const errors: string[] = [];
  const pick = (flag: string | undefined, envName: string, fromFile?: string): string | undefined => {
    if (flag !== undefined) return flag;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === '' ? fromFile : fromEnv;
  };

  const dataRaw = pick(flags.data, 'DESKPROV_DATA', file.data) ?? DEFAULTS.data;
  const dataDir = path.resolve(system.cwd, dataRaw);

  const databaseUrl = parseDatabaseUrl(env.DESKPROV_DB, errors);

  const http = listenAddress('--http / DESKPROV_HTTP', pick(flags.http, 'DESKPROV_HTTP', file.http) ?? DEFAULTS.http, errors);

  const httpsRaw = pick(flags.https, 'DESKPROV_HTTPS', file.https);
  const https =
    httpsRaw === undefined || httpsRaw === 'off'
      ? null
      : listenAddress('--https / DESKPROV_HTTPS', httpsRaw, errors);

  const tftpRaw = pick(flags.tftp, 'DESKPROV_TFTP', file.tftp) ?? DEFAULTS.tftp;
  const tftp = tftpRaw === 'off' ? null : listenAddress('--tftp / DESKPROV_TFTP', tftpRaw, errors);

  const discoveryRaw = pick(flags.discovery, 'DESKPROV_DISCOVERY', file.discovery && (file.discovery.length === 0 ? 'off' : file.discovery.join(',')));
  const discovery = discoveryInterfaces(discoveryRaw, system, errors);

  const logRaw = pick(flags.log, 'DESKPROV_LOG', file.log) ?? DEFAULTS.log;
  const logLevel = LOG_LEVELS.find((level) => level === logRaw);
  if (logLevel === undefined) {
    errors.push(`--log / DESKPROV_LOG: "${logRaw}" is not a log level (one of ${LOG_LEVELS.join(', ')})`);
  }

  const adminToken = env.DESKPROV_ADMIN_TOKEN === '' ? undefined : env.DESKPROV_ADMIN_TOKEN;
  if (adminToken !== undefined && !/^[\x21-\x7e]+$/.test(adminToken)) {
    errors.push('DESKPROV_ADMIN_TOKEN: must be printable ASCII without spaces');
  } else if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    errors.push(`DESKPROV_ADMIN_TOKEN: must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }

  const publicRaw = pick(flags.publicUrl, 'DESKPROV_PUBLIC_URL', file.publicUrl);
  const publicUrl =
    publicRaw === undefined
      ? http && derivePublicUrl(http, system)
      : parsePublicUrl(publicRaw, errors);

  const phoneSecurity = phoneSecurityOf(file.phoneSecurity, https ?? null, system, errors);

  if (errors.length > 0 || !http || !publicUrl || logLevel === undefined || https === undefined || tftp === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    config: {
      dataDir,
      databaseUrl,
      http,
      https,
      tftp,
      publicUrl,
      publicUrlDerived: publicRaw === undefined,
      discovery,
      logLevel,
      adminToken,
      limits: { ...DEFAULT_LIMITS, ...file.limits },
      ...(phoneSecurity === undefined ? {} : { phoneSecurity }),
      ...(file.emergency === undefined
        ? {}
        : { emergency: { extraNumbers: file.emergency.extraNumbers ?? [], dialPrefixes: file.emergency.dialPrefixes ?? [] } }),
    },
  };
}

function phoneSecurityOf(
  raw: ConfigFile['phoneSecurity'],
  https: ListenAddress | null,
  system: SystemFacts,
  errors: string[],
): PhoneSecurity | undefined {
  if (raw === undefined) return undefined;
  const out: PhoneSecurity = {
    clientCaFiles: (raw.clientCaFiles ?? []).map((file) => path.resolve(system.cwd, file)),
    certificateSites: raw.certificateSites ?? [],
    encryptedFileSites: raw.encryptedFileSites ?? [],
  };
  // Requiring certificates nobody can present would lock every phone of those sites out.
  if (out.certificateSites.length > 0 && (out.clientCaFiles.length === 0 || https === null)) {
    errors.push('phoneSecurity.certificateSites: needs phoneSecurity.clientCaFiles and HTTPS on');
  }
  return out;
}

/** The machine facts `parseConfig` needs, read from the OS. */
export function systemFacts(): SystemFacts {
  const interfaces: SystemFacts['interfaces'] = {};
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    interfaces[name] = (addresses ?? []).map(({ address, family, internal }) => ({ address, family, internal }));
  }
  return { interfaces, cwd: process.cwd() };
}

/** Parses `host:port`, `[v6]:port`; undefined (and an error pushed) when invalid. */
export function listenAddress(label: string, raw: string, errors: string[]): ListenAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw.trim());
  if (!match) {
    errors.push(`${label}: "${raw}" is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)`);
    return undefined;
  }
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  let ok = true;
  if (port > 65535) {
    errors.push(`${label}: port ${port} is out of range (0-65535)`);
    ok = false;
  }
  if (!isHost(host, match[1] !== undefined)) {
    errors.push(`${label}: "${host}" is not an IP address or host name`);
    ok = false;
  }
  return ok ? { host, port } : undefined;
}

function isHost(host: string, bracketed: boolean): boolean {
  if (bracketed) return ipaddr.IPv6.isValid(host);
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return true;
  // RFC 1123 host names; a dotted all-numeric string that is not a valid IPv4 is refused.
  if (/^[\d.]+$/.test(host)) return false;
  return /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host);
}

function discoveryInterfaces(raw: string | undefined, system: SystemFacts, errors: string[]): string[] {
  if (raw === undefined || raw === 'off') return [];
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const known = Object.keys(system.interfaces);
  for (const name of names) {
    if (!known.includes(name)) {
      errors.push(`--discovery / DESKPROV_DISCOVERY: no network interface "${name}" (have: ${known.join(', ') || 'none'})`);
    }
  }
  if (names.length === 0) errors.push('--discovery / DESKPROV_DISCOVERY: give interface names or "off"');
  return names;
}

function parsePublicUrl(raw: string, errors: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    errors.push(`--public-url / DESKPROV_PUBLIC_URL: "${raw}" is not a URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    errors.push('--public-url / DESKPROV_PUBLIC_URL: must start with http:// or https://');
    return undefined;
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    errors.push('--public-url / DESKPROV_PUBLIC_URL: must not carry credentials, a query or a fragment');
    return undefined;
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * The URL phones get when none is configured: the HTTP listener's address, except that a
 * wildcard listener (0.0.0.0, ::) is replaced by the first external IPv4 address, since a phone
 * cannot connect to a wildcard.
 */
export function derivePublicUrl(http: ListenAddress, system: Pick<SystemFacts, 'interfaces'>): string {
  let host = http.host;
  if (host === '0.0.0.0' || host === '::') {
    const external = Object.values(system.interfaces)
      .flat()
      .find((address) => !address.internal && address.family === 'IPv4');
    host = external?.address ?? '127.0.0.1';
  }
  return listenUrl('http', { host, port: http.port });
}

/** A URL for one listener, for the start-up banner and the derived public URL. */
export function listenUrl(scheme: 'http' | 'https' | 'tftp', address: ListenAddress): string {
  const hostPart = ipaddr.IPv6.isValid(address.host) ? `[${address.host}]` : address.host;
  return `${scheme}://${hostPart}:${address.port}/`;
}

/** `DESKPROV_DB`: empty or absent is SQLite; otherwise a PostgreSQL URL (postgresql.org libpq URIs). */
function parseDatabaseUrl(raw: string | undefined, errors: string[]): string | null {
  if (raw === undefined || raw === '') return null;
  // The value may carry a password: the message names the rule, never the value.
  if (!/^postgres(ql)?:\/\//.test(raw) || !URL.canParse(raw)) {
    errors.push('DESKPROV_DB: must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite file)');
    return null;
  }
  return raw;
}
