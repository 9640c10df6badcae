/**
 * Option negotiation, pure: what the client asked for × our limits → what we accept.
 * RFC 2347 §3: the OACK carries only options the client asked for and we accept; an option we do
 * not know or whose value is unusable is left out (the client then falls back to its default).
 * If nothing is accepted, no OACK is sent and the transfer starts with DATA 1 as in RFC 1350.
 */
import type { TftpOptions } from './tftp-packet.ts';

/** RFC 2348 §2: valid blksize range; 512 is RFC 1350's fixed size. */
export const BLKSIZE_MIN = 8;
export const BLKSIZE_MAX = 65464;
export const DEFAULT_BLKSIZE = 512;
/** RFC 7440 §3: valid windowsize range; 1 is RFC 1350 lock-step. */
export const WINDOWSIZE_MAX = 65535;

export interface OptionLimits {
  /** Largest blksize we grant (a client asking for more gets this, RFC 2348 §2). */
  maxBlksize: number;
  /** Largest windowsize we grant. */
  maxWindowsize: number;
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  /** Options for the OACK, in the client's order; empty → no OACK. */
  oack: Array<[string, string]>;
}

/** Strict decimal: RFC 2347 values are ASCII digits; `"1e3"`, `" 8"` and `"0x10"` are not numbers here. */
function decimal(value: string): number | undefined {
  return /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/**
 * Negotiate the options of one RRQ.
 * @param size transfer size in bytes when known and meaningful for the mode, else undefined
 *             (then `tsize` is not acknowledged: RFC 2349 lets the server omit it).
 */
export function negotiateOptions(
  requested: TftpOptions,
  limits: OptionLimits,
  size: number | undefined,
): Negotiated {
  const result: Negotiated = { blksize: DEFAULT_BLKSIZE, windowsize: 1, oack: [] };
  const seen = new Set<string>();
  for (const [name, value] of requested) {
    // The first occurrence of a name counts; a repeat is ignored rather than trusted.
    if (seen.has(name)) continue;
    seen.add(name);
    const n = decimal(value);
    if (n === undefined) continue;
    if (name === 'blksize' && n >= BLKSIZE_MIN) {
      result.blksize = Math.min(n, limits.maxBlksize, BLKSIZE_MAX);
      result.oack.push([name, String(result.blksize)]);
    } else if (name === 'windowsize' && n >= 1) {
      result.windowsize = Math.min(n, limits.maxWindowsize, WINDOWSIZE_MAX);
      result.oack.push([name, String(result.windowsize)]);
    } else if (name === 'tsize' && size !== undefined) {
      // RFC 2349 §2: in an RRQ the client sends 0 and the server answers with the size.
      result.oack.push([name, String(size)]);
    }
  }
  return result;
}
