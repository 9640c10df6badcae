import mdns from 'multicast-dns';
import type { Answer } from 'dns-packet';
import { Backoff } from './backoff.ts';

/** The DNS-SD service type a deskprov server announces (RFC 6763). */
export const SERVICE_TYPE = '_deskprov._tcp.local';

/** What the browse has learnt so far about the first instance that answered. */
export interface BrowseState {
  instance?: string;
  target?: string;
  port?: number;
  txt?: Record<string, string>;
  address?: string;
}

function txtRecord(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    const s = Buffer.isBuffer(item) ? item.toString('utf8') : typeof item === 'string' ? item : '';
    const i = s.indexOf('=');
    if (i > 0) out[s.slice(0, i).toLowerCase()] = s.slice(i + 1);
  }
  return out;
}

/** Folds the records of one mDNS response (answers and additionals) into the browse state. */
export function absorbRecords(state: BrowseState, records: readonly Answer[]): BrowseState {
  const next = { ...state };
  for (const r of records) {
    if (r.type === 'PTR' && r.name.toLowerCase() === SERVICE_TYPE && next.instance === undefined) {
      next.instance = String(r.data);
    }
  }
  for (const r of records) {
    if (next.instance === undefined) break;
    const name = r.name.toLowerCase();
    if (r.type === 'SRV' && name === next.instance.toLowerCase()) {
      next.target = r.data.target;
      next.port = r.data.port;
    } else if (r.type === 'TXT' && name === next.instance.toLowerCase()) {
      next.txt = txtRecord(r.data);
    }
  }
  for (const r of records) {
    if (next.target !== undefined && (r.type === 'A' || r.type === 'AAAA') && r.name.toLowerCase() === next.target.toLowerCase()) {
      // Prefer IPv4: phones' subnets are mostly IPv4 and an IPv6 link-local would need a zone.
      if (next.address === undefined || r.type === 'A') next.address = String(r.data);
    }
  }
  return next;
}

/**
 * The questions still to ask. Responders often send only the PTR, or leave out the SRV/TXT/A
 * additionals (RFC 6763 §12 makes them optional), so ask for exactly what is missing.
 */
export function missingQuestions(state: BrowseState): Array<{ name: string; type: 'PTR' | 'SRV' | 'TXT' | 'A' }> {
  if (state.instance === undefined) return [{ name: SERVICE_TYPE, type: 'PTR' }];
  const q: Array<{ name: string; type: 'PTR' | 'SRV' | 'TXT' | 'A' }> = [];
  if (state.port === undefined) q.push({ name: state.instance, type: 'SRV' });
  if (state.txt === undefined) q.push({ name: state.instance, type: 'TXT' });
  if (state.target !== undefined && state.address === undefined) q.push({ name: state.target, type: 'A' });
  return q;
}

/**
 * The server URL once enough is known: TXT `url=` when announced, else
 * `http(s)://<address>:<port><path>` with TXT `proto=https` and `path=` honoured.
 */
export function serverUrlOf(state: BrowseState): string | null {
  if (state.txt?.url !== undefined && /^https?:\/\//.test(state.txt.url)) return state.txt.url;
  if (state.address === undefined || state.port === undefined || state.txt === undefined) return null;
  const scheme = state.txt.proto === 'https' ? 'https' : 'http';
  const host = state.address.includes(':') ? `[${state.address}]` : state.address;
  return `${scheme}://${host}:${state.port}${state.txt.path ?? ''}`;
}

export interface FindOptions {
  timeoutMs: number;
  /** Network interface address to browse on (multicast-dns `interface`). */
  interface?: string;
  random?: () => number;
}

/** Browses `_deskprov._tcp` until a server is found or time runs out (then null). */
export function findServer(opts: FindOptions): Promise<string | null> {
  const socket = mdns(opts.interface !== undefined ? { interface: opts.interface } : {});
  const backoff = new Backoff({ baseMs: 250, maxMs: 4000, random: opts.random ?? Math.random });
  let state: BrowseState = {};
  return new Promise((resolve) => {
    let retry: NodeJS.Timeout | undefined;
    const finish = (url: string | null) => {
      clearTimeout(retry);
      clearTimeout(deadline);
      socket.destroy();
      resolve(url);
    };
    const ask = () => {
      socket.query({ questions: missingQuestions(state) });
      retry = setTimeout(ask, backoff.next());
    };
    const deadline = setTimeout(() => finish(null), opts.timeoutMs);
    socket.on('response', (packet) => {
      const before = JSON.stringify(state);
      state = absorbRecords(state, [...(packet.answers ?? []), ...(packet.additionals ?? [])]);
      const url = serverUrlOf(state);
      if (url !== null) return finish(url);
      if (JSON.stringify(state) !== before) {
        // New facts: ask for the rest now rather than after the backoff.
        clearTimeout(retry);
        backoff.reset();
        ask();
      }
    });
    socket.on('error', () => undefined);
    ask();
  });
}
