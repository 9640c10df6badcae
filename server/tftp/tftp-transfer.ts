/**
 * One read transfer's state machine (RFC 1350 with RFC 2347 OACK and RFC 7440 windows). No
 * sockets: packets go out through `send`, time through `timers`, so tests drive it with fake timers.
 *
 * Rules it keeps:
 * - Only the timer retransmits. A duplicate or stale ACK is ignored, never answered: answering it
 *   is the Sorcerer's Apprentice bug (RFC 1123 §4.2.3.1), where every delayed DATA doubles the
 *   traffic until the transfer ends.
 * - Block numbers are 16-bit on the wire and roll over from 65535 to 0, as tftp-hpa, curl and
 *   wazo-provd expect; internally blocks are counted without limit.
 * - Timeouts are bounded: after `retries` retransmissions without progress the transfer ends.
 */
import { tftpErrorOf } from '../errors.ts';
import type { SequentialReader } from './tftp-content.ts';
import { encodePacket, type TftpPacket } from './tftp-packet.ts';

/** Timer functions, injectable so tests drive time. */
export interface TransferTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TransferTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How a transfer ended, with its counts (bytes of file content, datagrams sent, retransmissions). */
export type TransferResult =
  | { ok: true; bytes: number; sent: number; retransmits: number }
  | { ok: false; reason: 'timeout' | 'peer-error' | 'read-error' | 'aborted'; bytes: number; sent: number; retransmits: number };

export interface TransferOptions {
  reader: SequentialReader;
  blksize: number;
  windowsize: number;
  /** Wait for progress before retransmitting, in ms. */
  timeoutMs: number;
  /** Retransmissions in a row without progress before giving up. */
  retries: number;
  /** Accepted options; non-empty → an OACK goes first and DATA waits for ACK 0 (RFC 2347 §3). */
  oack: Array<[string, string]>;
  send(datagram: Buffer): void;
  /**
   * The final (short) block has gone out: from here the transfer only waits for its last ACK. A
   * client that got that block asks for its next file at once, often before the ACK is read.
   */
  onFinalBlockSent?(): void;
  onEnd(result: TransferResult): void;
  timers?: TransferTimers;
}

/** One read transfer: `start()` it, feed it the peer's packets with `handle()`, `abort()` on shutdown. */
export class TftpTransfer {
  private phase: 'new' | 'oack' | 'data' | 'done' = 'new';
  /** Oldest unacknowledged block, counted from 1 without rollover. */
  private base = 1;
  /** Encoded DATA already sent and not yet acknowledged: blocks base, base+1, … */
  private window: Buffer[] = [];
  private nextBlock = 1;
  /** Number of the final (short) block, once it has been read. */
  private lastBlock: number | undefined;
  private reading = false;
  private timer: unknown;
  private retriesLeft: number;
  private readonly timers: TransferTimers;
  private bytes = 0;
  private sent = 0;
  private retransmits = 0;

  constructor(private readonly opts: TransferOptions) {
    this.timers = opts.timers ?? realTimers;
    this.retriesLeft = opts.retries;
  }

  get finished(): boolean {
    return this.phase === 'done';
  }

  start(): void {
    if (this.phase !== 'new') return;
    if (this.opts.oack.length > 0) {
      this.phase = 'oack';
      this.transmit(this.oackPacket());
      this.arm();
    } else {
      this.phase = 'data';
      void this.fill();
    }
  }

  /** A packet from the transfer's own peer (the server has already checked the TID). */
  handle(packet: TftpPacket): void {
    if (packet.op === 'ERROR') {
      // RFC 1350 §7: an error ends the transfer and is never acknowledged.
      if (this.phase !== 'done') this.finish(false, 'peer-error');
      return;
    }
    if (packet.op !== 'ACK') return;
    if (this.phase === 'oack') {
      if (packet.block !== 0) return;
      this.phase = 'data';
      this.progress();
      void this.fill();
      return;
    }
    if (this.phase !== 'data') return;
    const acked = this.resolve(packet.block);
    if (acked === undefined) return;
    this.window.splice(0, acked - this.base + 1);
    this.base = acked + 1;
    if (acked === this.lastBlock) {
      this.finish(true);
      return;
    }
    // RFC 7440 §4: an ACK short of the window's end means the receiver lost what followed; send
    // again from the block after it. With windowsize 1 the window is empty here.
    for (const datagram of this.window) this.transmit(datagram, true);
    this.progress();
    void this.fill();
  }

  /** End now, sending nothing (server shutdown, socket error). */
  abort(): void {
    if (this.phase !== 'done') this.finish(false, 'aborted');
  }

  /** The absolute block an ACK names, if it acknowledges something new; undefined otherwise. */
  private resolve(wire: number): number | undefined {
    for (let block = this.base; block < this.base + this.window.length; block++) {
      if ((block & 0xffff) === wire) return block;
    }
    return undefined;
  }

  private async fill(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.phase === 'data' && this.lastBlock === undefined && this.window.length < this.opts.windowsize) {
        const data = await this.opts.reader.next(this.opts.blksize);
        if (this.phase !== 'data') return;
        const block = this.nextBlock++;
        if (data.length < this.opts.blksize) this.lastBlock = block;
        const datagram = encodePacket({ op: 'DATA', block, data });
        this.window.push(datagram);
        this.bytes += data.length;
        this.transmit(datagram);
        if (block === this.lastBlock) this.opts.onFinalBlockSent?.();
        if (this.timer === undefined) this.arm();
      }
    } catch {
      if (this.phase !== 'done') {
        this.transmit(encodePacket({ op: 'ERROR', code: tftpErrorOf('INTERNAL'), message: 'INTERNAL' }));
        this.finish(false, 'read-error');
      }
    } finally {
      this.reading = false;
    }
  }

  private oackPacket(): Buffer {
    return encodePacket({ op: 'OACK', options: this.opts.oack });
  }

  private transmit(datagram: Buffer, again = false): void {
    this.sent++;
    if (again) this.retransmits++;
    this.opts.send(datagram);
  }

  /** The peer moved forward: reset the retry budget and restart the clock. */
  private progress(): void {
    this.retriesLeft = this.opts.retries;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.onTimeout(), this.opts.timeoutMs);
  }

  private onTimeout(): void {
    this.timer = undefined;
    if (this.phase === 'done') return;
    if (this.phase === 'data' && this.window.length === 0) {
      // Nothing in flight: the next block is still being read. Not the peer's fault; wait again.
      this.arm();
      return;
    }
    if (this.retriesLeft === 0) {
      this.finish(false, 'timeout');
      return;
    }
    this.retriesLeft--;
    if (this.phase === 'oack') this.transmit(this.oackPacket(), true);
    else for (const datagram of this.window) this.transmit(datagram, true);
    this.arm();
  }

  private finish(ok: boolean, reason?: 'timeout' | 'peer-error' | 'read-error' | 'aborted'): void {
    this.phase = 'done';
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    const counts = { bytes: this.bytes, sent: this.sent, retransmits: this.retransmits };
    this.opts.onEnd(ok ? { ok: true, ...counts } : { ok: false, reason: reason ?? 'aborted', ...counts });
  }
}
