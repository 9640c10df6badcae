import { readFile } from 'node:fs/promises';
import type { SipState } from '../server/domain/e911-evidence.ts';

const MAX_BYTES = 64 * 1024;

/**
 * Checks a status document: `{"registered": true, "registrar"?: "host", "lastError"?: "403 Forbidden"}`,
 * as a phone's own status page or a softphone can write it. Returns null when it is not one.
 */
export function parseSipStatus(text: string): SipState | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || typeof (v as SipState).registered !== 'boolean') return null;
  const src = v as Record<string, unknown>;
  const state: SipState = { registered: src.registered as boolean };
  if (typeof src.registrar === 'string') state.registrar = src.registrar.slice(0, 256);
  if (typeof src.lastError === 'string') state.lastError = src.lastError.slice(0, 256);
  return state;
}

/** Reads the SIP state from a file path or an http(s) URL given by `--sip-status`. */
export async function readSipStatus(source: string): Promise<{ sip: SipState } | { error: string }> {
  let text: string;
  try {
    if (/^https?:\/\//i.test(source)) {
      const res = await fetch(source, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) return { error: `SIP status source answered ${res.status}` };
      text = await res.text();
    } else {
      text = await readFile(source, 'utf8');
    }
  } catch (err) {
    return { error: `cannot read SIP status source: ${(err as Error).message}` };
  }
  if (text.length > MAX_BYTES) return { error: 'SIP status source is too large' };
  const sip = parseSipStatus(text);
  return sip === null ? { error: 'SIP status source is not {"registered": true|false, …} JSON' } : { sip };
}
