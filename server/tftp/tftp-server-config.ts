/**
 * The TFTP server's configuration, limits with their defaults, counters and handle: the contract
 * `main.ts` wires against. `tftp-server.ts` re-exports all of it.
 */
import type { AddressInfo } from 'node:net';
import { appError } from '../errors.ts';
import type { TftpFileSource } from './tftp-file-source.ts';

export interface TftpLimits {
  /** Largest blksize granted (RFC 2348). 1468 fills a 1500-byte Ethernet frame over IPv4 UDP. */
  maxBlksize: number;
  /** Largest windowsize granted (RFC 7440). */
  maxWindowsize: number;
  /** Wait for an ACK before retransmitting, in ms. */
  timeoutMs: number;
  /** Retransmissions in a row without progress before a transfer is abandoned. */
  retries: number;
  /** Transfers at once, all sources together. */
  maxTransfers: number;
  /** Transfers at once from one source address. */
  maxPerSource: number;
  /** Requests per second from one source address (token bucket, burst of the same size). */
  requestsPerSecondPerSource: number;
}

export const DEFAULT_TFTP_LIMITS: TftpLimits = {
  maxBlksize: 1468,
  maxWindowsize: 16,
  timeoutMs: 1000,
  retries: 5,
  maxTransfers: 200,
  maxPerSource: 4,
  requestsPerSecondPerSource: 10,
};

/** The subset of a pino logger the server uses. */
export interface TftpLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TftpServerConfig {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  source: TftpFileSource;
  limits?: Partial<TftpLimits>;
  logger: TftpLogger;
  /** Shared ban list (HTTP uses the same): banned sources get no answer at all. */
  isBanned?: (ip: string) => boolean;
  /**
   * Called once per request the server itself refuses (bad name, WRQ, bad mode) so bans build up.
   * Refusals by the file source are not reported here: the source knows why and records its own.
   */
  onMiss?: (ip: string) => void;
  /** Clock for the rate limiter, in ms. */
  now?: () => number;
}

export interface TftpStats {
  /** Well-formed RRQ/WRQ datagrams received on the main port. */
  requests: number;
  /** Transfers that completed (last block acknowledged). */
  served: number;
  /** Transfers that started but did not complete (timeout, peer error, read error, shutdown). */
  failed: number;
  /** Transfers in progress, including requests still being resolved by the source. */
  active: number;
  /** Requests answered with an error (or silently refused by the source). */
  refused: number;
  /** Malformed or unexpected datagrams dropped. */
  malformed: number;
  /** Requests dropped because the source address is over its rate. */
  rateLimited: number;
  /** Requests dropped because the source address is banned. */
  banned: number;
  /** Requests refused because of the concurrency limits. */
  busy: number;
  /** Repeated RRQs from a client whose transfer is already under way, dropped. */
  duplicates: number;
  /** Packets from a foreign transfer ID (RFC 1350 §4). */
  foreignTid: number;
  /** ERROR datagrams sent by the server itself (refusals, busy, foreign TIDs). */
  errorsSent: number;
  /** DATA and OACK datagrams sent, retransmissions included. */
  datagramsSent: number;
  retransmits: number;
}

export interface TftpServer {
  address(): AddressInfo;
  /**
   * Stops reading requests at once (the main socket closes), lets transfers in progress run for
   * up to `graceMs` (default 0), then aborts the rest. Calling it again returns the same wait.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  stats(): TftpStats;
}

/** Merge limits over the defaults; refuses values that would break the protocol or the limits. */
export function resolveLimits(overrides: Partial<TftpLimits> = {}): TftpLimits {
  const limits = { ...DEFAULT_TFTP_LIMITS, ...overrides };
  const ranges: Record<keyof TftpLimits, [number, number]> = {
    // RFC 2348 §2 and RFC 7440 §3 ranges; the window is also bounded by memory (window × blksize).
    maxBlksize: [8, 65464],
    maxWindowsize: [1, 1024],
    timeoutMs: [1, 255_000],
    retries: [0, 100],
    maxTransfers: [1, 100_000],
    maxPerSource: [1, 100_000],
    requestsPerSecondPerSource: [1, 100_000],
  };
  for (const [key, [min, max]] of Object.entries(ranges) as Array<[keyof TftpLimits, [number, number]]>) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw appError('INVALID_FIELD', `TFTP limit ${key} must be an integer from ${min} to ${max}`, { field: key });
    }
  }
  return limits;
}
