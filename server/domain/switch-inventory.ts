import ipaddr from 'ipaddr.js';
import { appError } from '../errors.ts';
import { normaliseLldpId, type LldpId } from './network-map.ts';
import { checkText } from './text.ts';

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

/** SNMP credentials of one switch. Secrets: never returned by the API, never logged. */
export type SnmpCredentials =
  | { version: '2c'; community: string }
  | {
      version: '3';
      user: string;
      authProtocol?: SnmpAuthProtocol;
      authKey?: string;
      privProtocol?: SnmpPrivProtocol;
      privKey?: string;
    };

/** A switch the server polls for the MACs behind its access ports. */
export interface SwitchRecord {
  id: string;
  siteId: string | null;
  name: string;
  /** Management address: an IP literal or a host name. */
  host: string;
  port: number;
  snmp: SnmpCredentials;
  /** Ports an admin marked as uplinks (ifName or LLDP port id). */
  uplinkPorts: string[];
  /** Learned from the switch on the last good poll, or typed by the admin. */
  chassisId: LldpId | null;
  createdAt: string;
  updatedAt: string;
}

/** The outcome of the last poll; an unanswered or refused poll is an alert until one succeeds. */
export interface SwitchPollState {
  switchId: string;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  error: { code: string; message: string } | null;
  /** When the current run of failures began. */
  failingSince: string | null;
  macsSeen: number;
  phonesLocated: number;
  uplinks: Array<{ portId: string; reason: string; macs: number }>;
}

export interface SwitchInput {
  name?: unknown;
  siteId?: unknown;
  host?: unknown;
  port?: unknown;
  snmp?: unknown;
  uplinkPorts?: unknown;
  chassisId?: unknown;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function bad(field: string, message: string): never {
  throw appError('INVALID_FIELD', message, { field });
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) bad(field, `${field} must be text of 1 to ${max} characters`);
  return checkText(value.trim(), field);
}

function secret(value: unknown, field: string, min: number): string {
  // Printable ASCII only: community strings and USM passwords are octet strings typed by people.
  if (typeof value !== 'string' || value.length < min || value.length > 64 || !/^[\x20-\x7e]+$/.test(value)) {
    bad(field, `${field} must be ${min} to 64 printable ASCII characters`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value.toLowerCase() as T)) bad(field, `${field} must be one of ${allowed.join(', ')}`);
  return value.toLowerCase() as T;
}

/** Validates SNMP credentials. RFC 3414 §11.2: USM passwords shorter than 8 octets are refused. */
export function validateCredentials(value: unknown): SnmpCredentials {
  if (value === null || typeof value !== 'object') bad('snmp', 'snmp must be {version: "2c", community} or {version: "3", user, …}');
  const v = value as Record<string, unknown>;
  if (v.version === '2c') return { version: '2c', community: secret(v.community, 'snmp.community', 1) };
  if (v.version !== '3') bad('snmp.version', 'snmp.version must be "2c" or "3"');
  const user = text(v.user, 'snmp.user', 32);
  const out: SnmpCredentials = { version: '3', user };
  if (v.authKey !== undefined) {
    out.authProtocol = oneOf(v.authProtocol ?? 'sha', SNMP_AUTH_PROTOCOLS, 'snmp.authProtocol');
    out.authKey = secret(v.authKey, 'snmp.authKey', 8);
  }
  if (v.privKey !== undefined) {
    if (out.authKey === undefined) bad('snmp.privKey', 'privacy needs authentication: give snmp.authKey too');
    out.privProtocol = oneOf(v.privProtocol ?? 'aes', SNMP_PRIV_PROTOCOLS, 'snmp.privProtocol');
    out.privKey = secret(v.privKey, 'snmp.privKey', 8);
  }
  return out;
}

function host(value: unknown): string {
  const h = text(value, 'host', 253);
  if (ipaddr.isValid(h)) return ipaddr.parse(h).toString();
  if (!HOST_NAME.test(h)) bad('host', 'host must be an IP address or a host name');
  return h.toLowerCase();
}

function port(value: unknown): number {
  if (value === undefined) return 161;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) bad('port', 'port must be 1 to 65535');
  return value;
}

function uplinkPorts(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 256) bad('uplinkPorts', 'uplinkPorts must be a list of at most 256 port names');
  return value.map((p, i) => text(p, `uplinkPorts[${i}]`, 64));
}

function chassis(value: unknown): LldpId | null {
  if (value === undefined || value === null) return null;
  return normaliseLldpId(text(value, 'chassisId', 255));
}

/** The validated fields of a new switch (ids, site existence and times are the service's). */
export function validateSwitchInput(input: SwitchInput): Omit<SwitchRecord, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    name: text(input.name, 'name', 100),
    siteId: input.siteId === undefined || input.siteId === null ? null : text(input.siteId, 'siteId', 100),
    host: host(input.host),
    port: port(input.port),
    snmp: validateCredentials(input.snmp),
    uplinkPorts: uplinkPorts(input.uplinkPorts),
    chassisId: chassis(input.chassisId),
  };
}

/** A patch applied over a switch: only given fields change; credentials are replaced whole. */
export function applySwitchPatch(before: SwitchRecord, patch: SwitchInput): Omit<SwitchRecord, 'id' | 'createdAt' | 'updatedAt'> {
  return validateSwitchInput({
    name: patch.name ?? before.name,
    siteId: patch.siteId === undefined ? before.siteId : patch.siteId,
    host: patch.host ?? before.host,
    port: patch.port ?? before.port,
    snmp: patch.snmp ?? before.snmp,
    uplinkPorts: patch.uplinkPorts ?? before.uplinkPorts,
    chassisId: patch.chassisId === undefined ? (before.chassisId?.value ?? null) : patch.chassisId,
  });
}

/** What may be shown of credentials: the version, user and protocols, never a secret. */
export interface PublicCredentials {
  version: '2c' | '3';
  user?: string;
  level?: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
}

export function publicCredentials(snmp: SnmpCredentials): PublicCredentials {
  if (snmp.version === '2c') return { version: '2c' };
  const level: PublicCredentials['level'] = snmp.privKey !== undefined ? 'authPriv' : snmp.authKey !== undefined ? 'authNoPriv' : 'noAuthNoPriv';
  return {
    version: '3',
    user: snmp.user,
    level,
    ...(snmp.authProtocol === undefined ? {} : { authProtocol: snmp.authProtocol }),
    ...(snmp.privProtocol === undefined ? {} : { privProtocol: snmp.privProtocol }),
  };
}

/** The switch as the API and the audit trail show it: credentials without secrets. */
export function switchView(s: SwitchRecord): Omit<SwitchRecord, 'snmp'> & { snmp: PublicCredentials } {
  return { ...s, snmp: publicCredentials(s.snmp) };
}
