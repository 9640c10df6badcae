import type { CivicAddress } from '../server/domain/civic-address.ts';
import type { LldpEvidence, MedLocation } from '../server/domain/e911-evidence.ts';
import type { Runner } from './run-command.ts';

/** A neighbour lldpd saw on one interface, with how long ago it was last heard. */
export interface LldpNeighbor extends LldpEvidence {
  interface: string;
  /** Seconds since lldpd learnt this neighbour (lldpd's `age`). */
  ageSeconds: number;
}

/** Largest lldpcli output we parse; anything bigger is refused with an error, not parsed. */
export const MAX_LLDP_JSON_BYTES = 256 * 1024;

export class LldpParseError extends Error {
  override name = 'LldpParseError';
}

/**
 * lldpd's civic CAtype names (json0 keys, `src/lib/atoms/med.c` names lower-cased) → RFC 5139
 * elements. `street` is CAtype 6 (A6); landmark, place-type and script have no field here.
 */
const CIVIC_KEYS: Readonly<Record<string, keyof CivicAddress>> = {
  country: 'country',
  'country-subdivision': 'A1',
  county: 'A2',
  city: 'A3',
  'city-division': 'A4',
  block: 'A5',
  street: 'A6',
  direction: 'PRD',
  'trailing-street-suffix': 'POD',
  'street-suffix': 'STS',
  number: 'HNO',
  'number-suffix': 'HNS',
  additional: 'LOC',
  name: 'NAM',
  zip: 'PC',
  building: 'BLD',
  unit: 'UNIT',
  floor: 'FLR',
  room: 'ROOM',
};

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** json0 wraps every field in a list of objects (lldpcli(8)); the first one is the value. */
function first(v: unknown): Json | undefined {
  return Array.isArray(v) && isObject(v[0]) ? v[0] : undefined;
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function text(v: unknown): string | undefined {
  const value = first(v)?.value;
  return typeof value === 'string' ? value : undefined;
}

function lldpId(v: unknown): { type: string; value: string } | undefined {
  const id = first(v);
  if (id === undefined || typeof id.value !== 'string' || id.value === '') return undefined;
  return { type: typeof id.type === 'string' ? id.type : 'local', value: id.value };
}

/** `0 day, 00:00:01` (lldpd `display_age`) → seconds; unknown formats sort last. */
export function parseAge(age: unknown): number {
  const m = typeof age === 'string' ? /^(\d+) days?, (\d+):(\d{2}):(\d{2})$/.exec(age.trim()) : null;
  if (m === null) return Number.POSITIVE_INFINITY;
  const [, d, h, min, s] = m.map(Number) as [number, number, number, number, number];
  return ((d * 24 + h) * 60 + min) * 60 + s;
}

function medLocation(itf: Json): MedLocation | undefined {
  for (const med of list(itf['lldp-med'])) {
    for (const loc of list(med.location)) {
      if (loc.type === 'Civic address') {
        const civic: Record<string, string> = {};
        for (const [key, value] of Object.entries(loc)) {
          const field = CIVIC_KEYS[key];
          const v = text(value);
          if (field !== undefined && v !== undefined) civic[field] = v;
        }
        return { format: 'civic', civic: civic as Partial<CivicAddress> };
      }
      if (loc.type === 'ELIN') {
        const elin = text(loc.ecs);
        if (elin !== undefined) return { format: 'elin', elin };
      }
      if (loc.type === 'Coordinates') {
        const latitude = text(loc.lat);
        const longitude = text(loc.lon);
        if (latitude !== undefined && longitude !== undefined) return { format: 'coordinates', latitude, longitude };
      }
    }
  }
  return undefined;
}

function neighbor(itf: Json): LldpNeighbor | null {
  const chassis = first(itf.chassis);
  const port = first(itf.port);
  const chassisId = lldpId(chassis?.id);
  const portId = lldpId(port?.id);
  if (typeof itf.name !== 'string' || chassisId === undefined || portId === undefined) return null;
  const n: LldpNeighbor = { interface: itf.name, chassisId, portId, ageSeconds: parseAge(itf.age) };
  const sysName = text(chassis?.name);
  const portDescription = text(port?.descr);
  const med = medLocation(itf);
  if (sysName !== undefined) n.sysName = sysName;
  if (portDescription !== undefined) n.portDescription = portDescription;
  if (med !== undefined) n.medLocation = med;
  return n;
}

/**
 * Parses `lldpcli -f json0 show neighbors details`. json0 keeps one shape whatever the number of
 * neighbours (lldpcli(8)); with none it is `{"lldp":[{}]}`. After a re-patch without carrier loss
 * the old port stays listed until its TTL runs out, so per interface the neighbour heard most
 * recently (smallest age) wins, not the first one listed. Throws LldpParseError on oversize or
 * garbled input; entries missing a chassis or port id are skipped.
 */
export function parseLldpNeighbors(json: string, maxBytes = MAX_LLDP_JSON_BYTES): LldpNeighbor[] {
  if (Buffer.byteLength(json, 'utf8') > maxBytes) {
    throw new LldpParseError(`lldpcli output is larger than ${maxBytes} bytes; refusing to parse it`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new LldpParseError(`lldpcli output is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.lldp)) {
    throw new LldpParseError('lldpcli output has no "lldp" list; is this json0 output?');
  }
  const best = new Map<string, LldpNeighbor>();
  for (const itf of list(first(doc.lldp)?.interface)) {
    const n = neighbor(itf);
    if (n === null) continue;
    const seen = best.get(n.interface);
    if (seen === undefined || n.ageSeconds < seen.ageSeconds) best.set(n.interface, n);
  }
  return [...best.values()];
}

/** Strips the agent-only fields: what goes into a report. */
export function toEvidence(n: LldpNeighbor): LldpEvidence {
  const { interface: _itf, ageSeconds: _age, ...evidence } = n;
  return evidence;
}

/** Asks the local lldpd for its neighbours; `socket` is lldpcli's `-u` (a non-default lldpd). */
export async function readLldpNeighbors(
  run: Runner,
  socket?: string,
): Promise<{ neighbors: LldpNeighbor[] } | { error: string }> {
  const args = [...(socket !== undefined ? ['-u', socket] : []), '-f', 'json0', 'show', 'neighbors', 'details'];
  const result = await run('lldpcli', args, { maxBytes: MAX_LLDP_JSON_BYTES, timeoutMs: 5000 });
  if (!result.ok) return { error: result.reason };
  try {
    return { neighbors: parseLldpNeighbors(result.stdout) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
