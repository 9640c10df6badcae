import { createHash } from 'node:crypto';
import dgram from 'node:dgram';

/**
 * A minimal RFC 1350 read client with the RFC 2348 blksize option, lock-step (windowsize 1, which
 * both servers speak), for many concurrent transfers in one process. Each transfer binds its own
 * loopback source address; the received bytes are counted and hashed, never kept.
 */

export interface TftpGetOptions {
  port: number;
  localAddress: string;
  file: string;
  blksize: number;
  timeoutMs: number;
  retries: number;
  /** Abort (as unfinished, not failed) once this performance.now() time has passed. */
  deadline: number;
}

export interface TftpGetResult {
  outcome: 'ok' | 'failed' | 'unfinished';
  bytes: number;
  sha256: string;
  error?: string;
}

const OP = { RRQ: 1, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

function rrq(file: string, blksize: number): Buffer {
  const parts = [file, 'octet', ...(blksize === 512 ? [] : ['blksize', String(blksize)])];
  return Buffer.concat([Buffer.from([0, OP.RRQ]), ...parts.map((p) => Buffer.from(`${p}\0`, 'ascii'))]);
}

function ack(block: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(OP.ACK, 0);
  b.writeUInt16BE(block, 2);
  return b;
}

export function tftpGet(o: TftpGetOptions): Promise<TftpGetResult> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const hash = createHash('sha256');
    let bytes = 0;
    let expected = 1;
    let blksize = 512;
    let serverPort = 0;
    let last = rrq(o.file, o.blksize);
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;

    const finish = (outcome: TftpGetResult['outcome'], error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve({ outcome, bytes, sha256: hash.digest('hex'), ...(error === undefined ? {} : { error }) });
    };
    const send = (packet: Buffer) => {
      last = packet;
      socket.send(packet, serverPort === 0 ? o.port : serverPort, '127.0.0.1');
      arm();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (performance.now() > o.deadline) return finish('unfinished');
        if (++tries > o.retries) return finish('failed', 'timeout');
        socket.send(last, serverPort === 0 ? o.port : serverPort, '127.0.0.1');
        arm();
      }, o.timeoutMs);
    };

    socket.on('error', (err) => finish('failed', err.message));
    socket.on('message', (msg, rinfo) => {
      if (serverPort === 0) serverPort = rinfo.port;
      else if (rinfo.port !== serverPort) return;
      const op = msg.readUInt16BE(0);
      if (op === OP.ERROR) return finish('failed', `error ${msg.readUInt16BE(2)} ${msg.subarray(4, -1).toString('utf8')}`);
      if (op === OP.OACK) {
        const fields = msg.subarray(2).toString('ascii').split('\0');
        const i = fields.findIndex((f) => f.toLowerCase() === 'blksize');
        if (i >= 0) blksize = Number(fields[i + 1]);
        tries = 0;
        return send(ack(0));
      }
      if (op !== OP.DATA) return;
      const block = msg.readUInt16BE(2);
      if (block !== expected) {
        // A retransmission of the previous block: our ACK was lost or late; ACK it again.
        if (block === ((expected - 1) & 0xffff)) socket.send(ack(block), serverPort, '127.0.0.1');
        return;
      }
      const data = msg.subarray(4);
      hash.update(data);
      bytes += data.length;
      tries = 0;
      const reply = ack(block);
      expected = (expected + 1) & 0xffff;
      if (data.length < blksize) {
        socket.send(reply, serverPort, '127.0.0.1', () => finish('ok'));
        clearTimeout(timer);
        return;
      }
      if (performance.now() > o.deadline) return finish('unfinished');
      send(reply);
    });
    socket.bind({ address: o.localAddress, port: 0 }, () => send(last));
  });
}
