/**
 * A small TFTP client on node:dgram for tests that need what real clients cannot do: drop DATA on
 * purpose, repeat ACKs, send garbage, or speak from a second port (a foreign transfer ID).
 * Loopback only.
 */
import dgram from 'node:dgram';
import { decodePacket, encodePacket, type DecodeResult, type TftpOptions, type TftpPacket } from '../../../server/tftp/tftp-packet.ts';

export interface Received {
  result: DecodeResult;
  raw: Buffer;
  port: number;
}

export interface FetchOptions {
  options?: Array<[string, string]>;
  mode?: string;
  /** Drop (neither keep nor acknowledge) every n-th DATA datagram received, as a lossy link would. */
  dropEvery?: number;
  /** Send each ACK this many times (a client whose ACKs get duplicated). */
  ackCopies?: number;
}

export interface FetchResult {
  data: Buffer;
  /** DATA datagrams received, dropped and duplicates included. */
  dataDatagrams: number;
  oack: TftpOptions | undefined;
  /** The server's transfer port. */
  port: number;
}

export class RawTftpClient {
  private readonly queue: Received[] = [];
  /** Callers waiting for a datagram, served in call order. */
  private readonly waiters: Array<(r: Received) => void> = [];

  private constructor(
    readonly socket: dgram.Socket,
    private readonly host: string,
  ) {
    socket.on('message', (raw, rinfo) => {
      const received = { result: decodePacket(raw), raw, port: rinfo.port };
      const waiter = this.waiters.shift();
      if (waiter) waiter(received);
      else this.queue.push(received);
    });
  }

  /** A client bound to `host` (127.0.0.1 or ::1), talking to a server on the same host. */
  static async open(host = '127.0.0.1'): Promise<RawTftpClient> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new RawTftpClient(socket, host);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: TftpPacket | Buffer, port: number): void {
    this.socket.send(Buffer.isBuffer(packet) ? packet : encodePacket(packet), port, this.host);
  }

  /** The next datagram; rejects after `timeoutMs` (a bound, not a sleep: it resolves on arrival). */
  next(timeoutMs = 3000): Promise<Received> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (r: Received): void => {
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no datagram within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next datagram, which must be a well-formed packet. */
  async packet(timeoutMs?: number): Promise<{ packet: TftpPacket; port: number }> {
    const { result, port } = await this.next(timeoutMs);
    if (!result.ok) throw new Error(`malformed reply: ${result.reason}`);
    return { packet: result.packet, port };
  }

  /** Read a whole file with a lock-step (windowsize 1) receiver. */
  async fetch(serverPort: number, name: string, opts: FetchOptions = {}): Promise<FetchResult> {
    const options = opts.options ?? [];
    this.send({ op: 'RRQ', filename: name, mode: opts.mode ?? 'octet', options }, serverPort);
    const chunks: Buffer[] = [];
    let expected = 1;
    let dataDatagrams = 0;
    let oack: FetchResult['oack'];
    let negotiated = 512;
    let transferPort: number | undefined;
    const ack = (block: number, port: number): void => {
      for (let i = 0; i < (opts.ackCopies ?? 1); i++) this.send({ op: 'ACK', block: block & 0xffff }, port);
    };
    for (;;) {
      const { packet, port } = await this.packet();
      transferPort ??= port;
      if (packet.op === 'ERROR') throw Object.assign(new Error(`TFTP error ${packet.code}: ${packet.message}`), { tftpCode: packet.code });
      if (packet.op === 'OACK') {
        oack = packet.options;
        negotiated = Number(packet.options.find(([n]) => n === 'blksize')?.[1] ?? 512);
        ack(0, port);
        continue;
      }
      if (packet.op !== 'DATA') throw new Error(`unexpected ${packet.op}`);
      dataDatagrams++;
      if (opts.dropEvery !== undefined && dataDatagrams % opts.dropEvery === 0) continue;
      if (packet.block === (expected & 0xffff)) {
        chunks.push(packet.data);
        ack(expected, port);
        expected++;
        if (packet.data.length < (oack ? negotiated : 512)) {
          return { data: Buffer.concat(chunks), dataDatagrams, oack, port: transferPort };
        }
      } else {
        // A retransmission of a block already kept: acknowledge it again, as RFC 1350 receivers do.
        ack(packet.block, port);
      }
    }
  }

  /**
   * Read a whole file as an RFC 7440 receiver: ACK at the end of each window, and on a gap ACK the
   * last block received in order (once per gap) so the sender resends from there.
   */
  async fetchWindowed(serverPort: number, name: string, blksize: number, windowsize: number, opts: FetchOptions = {}): Promise<FetchResult> {
    const options: Array<[string, string]> = [['blksize', String(blksize)], ['windowsize', String(windowsize)]];
    this.send({ op: 'RRQ', filename: name, mode: 'octet', options }, serverPort);
    const oack = await this.packet();
    if (oack.packet.op !== 'OACK') throw new Error(`expected OACK, got ${oack.packet.op}`);
    const granted = new Map(oack.packet.options);
    const size = Number(granted.get('blksize'));
    const window = Number(granted.get('windowsize'));
    this.send({ op: 'ACK', block: 0 }, oack.port);
    const chunks: Buffer[] = [];
    let expected = 1;
    let inWindow = 0;
    let gapAcked = false;
    let dataDatagrams = 0;
    for (;;) {
      const { packet } = await this.packet();
      if (packet.op === 'ERROR') throw Object.assign(new Error(`TFTP error ${packet.code}`), { tftpCode: packet.code });
      if (packet.op !== 'DATA') throw new Error(`unexpected ${packet.op}`);
      dataDatagrams++;
      if (opts.dropEvery !== undefined && dataDatagrams % opts.dropEvery === 0) continue;
      if (packet.block !== (expected & 0xffff)) {
        if (!gapAcked) this.send({ op: 'ACK', block: (expected - 1) & 0xffff }, oack.port);
        gapAcked = true;
        inWindow = 0;
        continue;
      }
      chunks.push(packet.data);
      gapAcked = false;
      inWindow++;
      const last = packet.data.length < size;
      if (last || inWindow === window) {
        this.send({ op: 'ACK', block: expected & 0xffff }, oack.port);
        inWindow = 0;
      }
      expected++;
      if (last) return { data: Buffer.concat(chunks), dataDatagrams, oack: oack.packet.options, port: oack.port };
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
