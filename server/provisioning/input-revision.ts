import { createHash } from 'node:crypto';
import type { CanonicalSettings, DirectoryEntry } from './types.ts';

/**
 * The input revision of one rendered file: a stable hash over everything that decides its bytes.
 *
 * It is content-addressed: it hashes the resolved settings themselves (which already fold in the
 * site, the profile chain, the user, the extension, the binding, the device overrides and the
 * public URL) plus the catalogue revision, the model, the file and the MAC. No edit path can
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
  settings: CanonicalSettings;
  directory?: readonly DirectoryEntry[];
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 32 hex characters (128 bits of SHA-256) identifying the inputs of one file. */
export function inputRevision(input: RevisionInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 32);
}
