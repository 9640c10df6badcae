import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getResponder, type CiaoService, type Responder } from '@homebridge/ciao';
import { appError } from '../errors.ts';
import { resolveInterfaces, type InterfaceMap } from './interface-addresses.ts';

/**
 * mDNS/DNS-SD advertiser (RFC 6762/6763) for the agent and for phones that browse: publishes
 * `_deskprov._tcp` (TXT `path=/`, `api=/api/v1`, `v=1`) and `_http._tcp` for the web console, on
 * the named interfaces only. ciao does the protocol: probing, conflict renaming ("deskprov (2)"),
 * announcements, answers (legacy unicast included), re-announcing on address changes, and
 * goodbyes (TTL 0) on close. This module chooses where and under which name, and persists the
 * name a conflict forced on us so the server keeps it across restarts (RFC 6762 §9: a renamed
 * host should remember its new name).
 */

export const DESKPROV_SERVICE_TYPE = 'deskprov';
export const DESKPROV_TXT = { path: '/', api: '/api/v1', v: '1' } as const;

export interface MdnsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface MdnsAdvertiserOptions {
  /** Interface names (`DESKPROV_DISCOVERY`); nothing is sent on any other interface. */
  interfaces: readonly string[];
  /** TCP port of the HTTP listener (web console and API). */
  port: number;
  /** File (in the data folder) holding the name we ended up with; created when a conflict renames us. */
  nameFile: string;
  /** Instance name when no name file exists yet; default `deskprov`. */
  defaultName?: string;
  /** Also publish `_http._tcp` for the web console (default true). */
  httpService?: boolean;
  logger?: MdnsLogger;
  /** `os.networkInterfaces` by default. */
  networkInterfaces?: () => InterfaceMap;
}

export interface MdnsAdvertiser {
  /** Instance name currently advertised (after any conflict renaming). */
  name(): string;
  /** Sends goodbye packets (TTL 0) for every record, then stops the responder. */
  close(): Promise<void>;
  /** Event counts since start, for /metrics. */
  stats(): MdnsStats;
}

/** Per service: announced once probing won, conflicts that renamed it, goodbyes sent at close. */
export interface MdnsStats {
  announcements: number;
  conflicts: number;
  goodbyes: number;
}

interface PersistedName {
  name: string;
  hostname: string;
}

/** RFC 6763 §4.1.1: an instance name is at most 63 bytes of UTF-8. */
const MAX_INSTANCE_BYTES = 63;

export async function startMdnsAdvertiser(opts: MdnsAdvertiserOptions): Promise<MdnsAdvertiser> {
  const resolved = resolveInterfaces(opts.interfaces, (opts.networkInterfaces ?? os.networkInterfaces)() as InterfaceMap);
  if (!resolved.ok) throw appError('INVALID_FIELD', `mDNS: ${resolved.errors.join('; ')}`, { field: 'discovery' });
  // ciao takes names as given and matches them against os.networkInterfaces(); the `@ifN` form
  // `ip link` shows for veth ends would silently match nothing, so only kernel names are passed.
  const names = resolved.interfaces.map((i) => i.name);

  const persisted = await readPersistedName(opts.nameFile, opts.defaultName ?? 'deskprov');
  // ciao shares one responder per option set; restricting it to our interfaces keeps its sockets
  // (and probes) off every other link. ciao always adds loopback to the list, which is harmless.
  const responder: Responder = getResponder({ interface: [...names] });
  const services: CiaoService[] = [];
  let current = persisted;

  const create = (type: string, hostname: string, txt?: Record<string, string>): CiaoService => {
    const service = responder.createService({
      name: current.name,
      hostname,
      type,
      port: opts.port,
      // Restrict the records too: without it ciao would also answer with loopback addresses.
      restrictedAddresses: [...names],
      ...(txt === undefined ? {} : { txt }),
    });
    services.push(service);
    return service;
  };

  const stats: MdnsStats = { announcements: 0, conflicts: 0, goodbyes: 0 };
  try {
    const main = create(DESKPROV_SERVICE_TYPE, current.hostname, { ...DESKPROV_TXT });
    let pendingWrite: Promise<void> = Promise.resolve();
    // ciao emits name-change then hostname-change once probing settled on new names.
    const remember = (next: PersistedName): void => {
      if (next.name === current.name && next.hostname === current.hostname) return;
      current = next;
      opts.logger?.info({ name: next.name, hostname: next.hostname }, 'mdns name conflict: renamed');
      pendingWrite = pendingWrite.then(() => writePersistedName(opts.nameFile, next)).catch((err: Error) => {
        opts.logger?.warn({ err: err.message }, 'mdns could not persist the new name');
      });
    };
    main.on('name-change', (name) => {
      stats.conflicts += 1;
      remember({ ...current, name });
    });
    main.on('hostname-change', (hostname) => remember({ ...current, hostname: hostname.replace(/\.$/, '') }));
    await main.advertise();
    stats.announcements += 1;
    await pendingWrite;
    // Created after the main service settled, so the console shares its (possibly new) name.
    // ciao insists on one host name per service within a responder (its Prober treats a shared
    // one as a local conflict), so the console's SRV points at `<host>-web`, same addresses.
    // ciao re-appends the name's "(N)" to the host name itself (`deskprov-web-(2)`), so the
    // number is taken off first.
    if (opts.httpService !== false) {
      const web = create('http', `${current.hostname.replace(/-\(\d+\)$/, '')}-web`, { path: '/' });
      web.on('name-change', (name) => {
        stats.conflicts += 1;
        opts.logger?.info({ name }, 'mdns web console renamed');
      });
      await web.advertise();
      stats.announcements += 1;
    }
    opts.logger?.info({ name: current.name, interfaces: names }, 'mdns advertising');
  } catch (err) {
    await responder.shutdown().catch(() => undefined);
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    name: () => current.name,
    stats: () => ({ ...stats }),
    close() {
      // Responder.shutdown() sends the goodbyes (RFC 6762 §10.1) for every announced service.
      closing ??= responder.shutdown().then(() => {
        stats.goodbyes += stats.announcements;
      });
      return closing;
    },
  };
}

async function readPersistedName(file: string, fallback: string): Promise<PersistedName> {
  const base = { name: fallback, hostname: hostnameFor(fallback) };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return base;
  }
  try {
    const data = JSON.parse(text) as Partial<PersistedName>;
    if (typeof data.name === 'string' && typeof data.hostname === 'string' && validName(data.name) && /^[A-Za-z0-9()-]{1,63}$/.test(data.hostname)) {
      return { name: data.name, hostname: data.hostname };
    }
  } catch {
    // A damaged file falls back to the default: probing will rename again if needed.
  }
  return base;
}

async function writePersistedName(file: string, value: PersistedName): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value)}\n`, { mode: 0o644 });
  await rename(temp, file);
}

function validName(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name, 'utf8') <= MAX_INSTANCE_BYTES && !/[\x00-\x1f\x7f]/.test(name);
}

/** A DNS label from an instance name: `Front Desk` → `Front-Desk`. */
function hostnameFor(name: string): string {
  const label = name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return label === '' ? 'deskprov' : label;
}
