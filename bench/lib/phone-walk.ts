import { createHash } from 'node:crypto';
import { renderFileName } from '../../server/provisioning/file-pattern.ts';
import type { ModelProfile } from '../../server/provisioning/types.ts';
import type { SeededDevice } from './seed.ts';

/**
 * What one simulated phone does at boot: the files its model asks for, in the catalogue's order
 * (firmware-profiles/README.md: "the files the phone requests, in the order it requests them"),
 * with the model's real User-Agent carrying this phone's MAC, from its own loopback address.
 */

export interface PhoneWalk {
  mac: string;
  modelId: string;
  ip: string;
  userAgent: string | undefined;
  paths: string[];
  /** Filled after the claim pass: the per-device HTTP credentials the first config handed out. */
  secret?: string;
}

/** A distinct 127/8 address per phone (Linux answers the whole block on lo); `block` separates runs. */
export function phoneAddress(block: number, index: number): string {
  const a = block + Math.floor(index / 62_500);
  const b = Math.floor(index / 250) % 250;
  const c = (index % 250) + 1;
  return `127.${a}.${b + 1}.${c}`;
}

const COLON_MAC = /(?:[0-9a-fA-F]{2}([:-])){5}[0-9a-fA-F]{2}/;
const PLAIN_MAC = /\b[0-9a-fA-F]{12}\b/;

/** The model's first sample User-Agent with its MAC (if any) replaced by this phone's, same format. */
export function userAgentFor(model: ModelProfile, mac: string): string | undefined {
  const sample = model.userAgent.samples[0];
  if (sample === undefined) return undefined;
  const sameCase = (found: string, text: string) => (found === found.toUpperCase() && /[A-F]/.test(found) ? text.toUpperCase() : text);
  const colon = COLON_MAC.exec(sample);
  if (colon !== null) {
    const sep = colon[1] ?? ':';
    const pairs = mac.match(/../g)?.join(sep) ?? mac;
    return sample.replace(COLON_MAC, sameCase(colon[0], pairs));
  }
  const plain = PLAIN_MAC.exec(sample);
  return plain === null ? sample : sample.replace(PLAIN_MAC, sameCase(plain[0], mac));
}

export function walkFor(device: SeededDevice, ip: string): PhoneWalk {
  const { model, mac } = device;
  return {
    mac,
    modelId: model.id,
    ip,
    userAgent: userAgentFor(model, mac),
    paths: model.files.map((file) => renderFileName(file.name, model.modelToken, mac)),
  };
}

/** A parsed `WWW-Authenticate: Digest …` challenge (the first one offered). */
export interface Challenge {
  realm: string;
  nonce: string;
  opaque: string;
  algorithm: string;
  nc: number;
}

export function parseChallenge(header: string | string[] | undefined): Challenge | null {
  const first = Array.isArray(header) ? header.find((h) => h.startsWith('Digest')) : header;
  if (first === undefined) return null;
  const get = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(first)?.[1] ?? '';
  return { realm: get('realm'), nonce: get('nonce'), opaque: get('opaque'), algorithm: get('algorithm') || 'MD5', nc: 0 };
}

/** The phone's Digest answer (RFC 7616 §3.4.1, qop=auth), written independently of the server. */
export function digestAuthorization(challenge: Challenge, method: string, uri: string, username: string, password: string): string {
  challenge.nc += 1;
  const h = (s: string) => createHash(challenge.algorithm === 'SHA-256' ? 'sha256' : 'md5').update(s).digest('hex');
  const nc = challenge.nc.toString(16).padStart(8, '0');
  const cnonce = createHash('md5').update(`${username}${nc}`).digest('hex').slice(0, 16);
  const ha1 = h(`${username}:${challenge.realm}:${password}`);
  const response = h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${h(`${method}:${uri}`)}`);
  return `Digest username="${username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=${challenge.algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${challenge.opaque}"`;
}
