import { hash } from 'node:crypto';
import type { CanonicalSettings, DirectoryEntry } from './types.ts';

/**
 * The input revision of one rendered file: a stable hash over everything that decides its bytes.
 *
 * It is content-addressed: it hashes the resolved settings themselves (which already fold in the
 * site, the profile chain, the user, the extension, the binding, the device overrides and the
 * public URL; hashed once per device and taken by their hash) plus the catalogue revision, the
 * model, the file and the MAC. No edit path can
 * forget to bump a counter, so a cached render is never stale (P2 "never stale"); an edit that
 * changes nothing the phone sees keeps the old revision, and the phone gets a 304.
 */
export interface RevisionInput {
  catalogRevision: string;
  /** Version of the rendering code (dialects, writers): bytes may change when it does. */
  rendererVersion: string;
  modelId: string;
  fileName: string;
  mac?: string;
  /** `settingsRevision(settings)`: hashed once per device, shared by all its files. */
  settingsRevision: string;
  directory?: readonly DirectoryEntry[];
}

/**
 * JSON with object keys sorted at every depth, so equal values give equal text; keys whose value
 * is undefined are left out, as JSON.stringify does. Built by concatenation: it hashes every
 * device's settings after each edit, and the entries/filter/map version cost twice as much.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const inner = record[key];
    if (inner === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(inner)}`;
  }
  return `${out}}`;
}

const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** The resolved settings' own hash (64 hex characters): what a file's revision takes of them. */
export function settingsRevision(settings: CanonicalSettings): string {
  return sha256Hex(canonicalJson(settings));
}

/** 32 hex characters (128 bits of SHA-256) identifying the inputs of one file. */
export function inputRevision(input: RevisionInput): string {
  return sha256Hex(canonicalJson(input)).slice(0, 32);
}
