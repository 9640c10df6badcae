/**
 * The TFTP socket owner: a read-only RFC 1350 server on `node:dgram`. It decodes requests, applies
 * the limits and the shared file-name guard, asks the injected TftpFileSource for content and runs
 * one TftpTransfer per request on its own ephemeral socket (RFC 1350 §4: the server's transfer ID
 * is a new port). It never renders or touches storage itself.
 *
 * Amplification (E911-SECURITY §2.3): a refused request gets at most one short ERROR, and none at
 * all when banned, over its rate, malformed, or refused silently by the source (outside the site
 * networks). Only an accepted request is answered with data.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { tftpErrorOf, type ErrorCode } from '../errors.ts';
import { checkFileName } from '../provisioning/file-name-guard.ts';
import { bufferReader, netasciiReader, sequentialReader, type SequentialReader } from './tftp-content.ts';
import type { TftpClient, TftpFile } from './tftp-file-source.ts';
import { negotiateOptions } from './tftp-options.ts';
import { decodePacket, encodePacket, type TftpOptions } from './tftp-packet.ts';
import { createRateLimiter } from './tftp-rate-limiter.ts';
import {
  resolveLimits,
  type TftpLimits,
  type TftpServer,
  type TftpServerConfig,
  type TftpStats,
} from './tftp-server-config.ts';
import { TftpTransfer, type TransferResult } from './tftp-transfer.ts';

export { DEFAULT_TFTP_LIMITS } from './tftp-server-config.ts';
export type { TftpLimits, TftpLogger, TftpServer, TftpServerConfig, TftpStats } from './tftp-server-config.ts';

interface Running {
  transfer: TftpTransfer;
  socket: dgram.Socket;
}

const errorPacket = (code: ErrorCode): Buffer =>
  encodePacket({ op: 'ERROR', code: tftpErrorOf(code), message: code });

/** Start a read-only TFTP server; resolves once the main socket is bound. */
export async function startTftpServer(config: TftpServerConfig): Promise<TftpServer> {
  const limits: TftpLimits = resolveLimits(config.limits);
  const { logger, source } = config;
  const now = config.now ?? Date.now;
  const type = isIPv6(config.host) ? 'udp6' : 'udp4';
  const limiter = createRateLimiter(limits.requestsPerSecondPerSource);
  const perSource = new Map<string, number>();
  /** `address|port` of every request being served, to drop retransmitted RRQs. */
  const activeTids = new Set<string>();
  const running = new Set<Running>();
  /** Transfers whose final block is out, waiting only for its ACK (in total and per source). */
  let finishing = 0;
  const finishingPerSource = new Map<string, number>();
  const countFinishing = (ip: string, delta: 1 | -1): void => {
    finishing += delta;
    const left = (finishingPerSource.get(ip) ?? 0) + delta;
    if (left === 0) finishingPerSource.delete(ip);
    else finishingPerSource.set(ip, left);
  };
  /** Cleared by close(): no new request is read. */
  let accepting = true;
  /** Set once close() gives up waiting: requests still opening and transfers still running are cut off. */
  let aborting = false;
  let closing: Promise<void> = Promise.resolve();
  /** Called when the last accepted request ends while close() waits for them. */
  let drained: (() => void) | undefined;
  const stats: TftpStats = {
    requests: 0, served: 0, failed: 0, active: 0, refused: 0, malformed: 0,
    rateLimited: 0, banned: 0, busy: 0, duplicates: 0, foreignTid: 0, errorsSent: 0, datagramsSent: 0,
    retransmits: 0,
  };

  const main = dgram.createSocket(type);
  await bind(main, config.host, config.port);
  main.on('error', (err) => logger.warn({ err }, 'tftp: main socket error'));

  const sendFrom = (socket: dgram.Socket, datagram: Buffer, to: TftpClient): void => {
    try {
      socket.send(datagram, to.port, to.address, (err) => {
        if (err) logger.debug({ err, client: to }, 'tftp: send failed');
      });
    } catch (err) {
      // The socket was closed under us (shutdown); there is nobody left to tell.
      logger.debug({ err, client: to }, 'tftp: send on a closed socket');
    }
  };

  /** Every ERROR the server sends goes through here, so the count shows how much it answers strangers. */
  const sendError = (socket: dgram.Socket, code: ErrorCode, to: TftpClient): void => {
    stats.errorsSent++;
    sendFrom(socket, errorPacket(code), to);
  };

  /** `byServer`: the server itself refused (name, WRQ, mode); a source records its own misses. */
  const refuse = (client: TftpClient, code: ErrorCode, detail: string, byServer: boolean, silent = false): void => {
    stats.refused++;
    if (byServer) config.onMiss?.(client.address);
    logger.debug({ client, code, detail }, 'tftp: request refused');
    if (!silent) sendError(main, code, client);
  };

  const reserve = (ip: string): void => {
    stats.active++;
    perSource.set(ip, (perSource.get(ip) ?? 0) + 1);
  };
  const release = (ip: string, tid: string): void => {
    activeTids.delete(tid);
    stats.active--;
    if (stats.active === 0) drained?.();
    const left = (perSource.get(ip) ?? 1) - 1;
    if (left === 0) perSource.delete(ip);
    else perSource.set(ip, left);
  };

  const onRequest = async (msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> => {
    const client: TftpClient = { address: rinfo.address, port: rinfo.port };
    const decoded = decodePacket(msg);
    if (!decoded.ok || (decoded.packet.op !== 'RRQ' && decoded.packet.op !== 'WRQ')) {
      stats.malformed++;
      const reason = decoded.ok ? `unexpected ${decoded.packet.op}` : decoded.reason;
      logger.debug({ client, reason, bytes: msg.length }, 'tftp: datagram dropped');
      return;
    }
    const request = decoded.packet;
    stats.requests++;
    if (config.isBanned?.(client.address)) {
      stats.banned++;
      return;
    }
    if (!limiter.allow(client.address, now())) {
      stats.rateLimited++;
      return;
    }
    if (request.op === 'WRQ') return refuse(client, 'FORBIDDEN', 'write request: this server is read-only', true);
    if (request.mode !== 'octet' && request.mode !== 'netascii') {
      return refuse(client, 'BAD_REQUEST', `unsupported mode ${request.mode}`, true);
    }
    const name = checkFileName(request.filename);
    if (!name.ok) return refuse(client, name.code, name.reason, true);
    const tid = `${client.address}|${client.port}`;
    if (activeTids.has(tid)) {
      // RFC 1350 §4: a client retransmits its RRQ when the first DATA is slow; the transfer for
      // that TID is already under way, so a second one would only double the traffic.
      stats.duplicates++;
      return;
    }
    // Transfers only waiting for their last ACK do not count: a phone fetching its config and then
    // its firmware sends the next RRQ as soon as it has the last block, often before that ACK is read.
    const busy = stats.active - finishing;
    if (busy >= limits.maxTransfers || (perSource.get(client.address) ?? 0) - (finishingPerSource.get(client.address) ?? 0) >= limits.maxPerSource) {
      stats.busy++;
      sendError(main, 'RATE_LIMITED', client);
      return;
    }

    reserve(client.address);
    activeTids.add(tid);
    let file: TftpFile;
    try {
      file = await source.open(name.name, client);
    } catch (err) {
      release(client.address, tid);
      logger.warn({ err, client, file: name.name }, 'tftp: file source failed');
      stats.refused++;
      sendError(main, 'INTERNAL', client);
      return;
    }
    if (file.kind === 'error') {
      release(client.address, tid);
      return refuse(client, file.code, `source refused ${name.name}`, false, file.silent === true);
    }
    if (aborting) {
      release(client.address, tid);
      await closeFile(file);
      return;
    }
    await startTransfer(client, tid, request, name.name, file);
  };

  const closeFile = async (file: TftpFile): Promise<void> => {
    if (file.kind !== 'reader' || file.close === undefined) return;
    try {
      await file.close();
    } catch (err) {
      logger.warn({ err }, 'tftp: closing a file failed');
    }
  };

  const startTransfer = async (
    client: TftpClient,
    tid: string,
    request: { mode: string; options: TftpOptions },
    name: string,
    file: Exclude<TftpFile, { kind: 'error' }>,
  ): Promise<void> => {
    const octets = file.kind === 'buffer' ? bufferReader(file.data) : sequentialReader(file.read, file.size);
    const netascii = request.mode === 'netascii';
    const reader: SequentialReader = netascii ? netasciiReader(octets) : octets;
    const size = file.kind === 'buffer' ? file.data.length : file.size;
    // RFC 2349 §2 sizes octets on the wire; netascii changes the size, so tsize is not acknowledged
    // there (as tftp-hpa does) rather than announced wrong.
    const negotiated = negotiateOptions(request.options, limits, netascii ? undefined : size);

    const socket = dgram.createSocket(type);
    try {
      await bind(socket, config.host, 0);
    } catch (err) {
      socket.close();
      release(client.address, tid);
      await closeFile(file);
      logger.warn({ err }, 'tftp: cannot bind a transfer socket');
      sendError(main, 'INTERNAL', client);
      return;
    }
    if (aborting) {
      socket.close();
      release(client.address, tid);
      await closeFile(file);
      return;
    }
    const startedAt = now();
    let finalBlockSent = false;
    const onEnd = (result: TransferResult): void => {
      running.delete(entry);
      if (finalBlockSent) countFinishing(client.address, -1);
      release(client.address, tid);
      socket.close();
      void closeFile(file);
      stats.datagramsSent += result.sent;
      stats.retransmits += result.retransmits;
      if (result.ok) stats.served++;
      else stats.failed++;
      logger.info(
        { client, file: name, ...result, blksize: negotiated.blksize, windowsize: negotiated.windowsize, ms: now() - startedAt },
        result.ok ? 'tftp: transfer complete' : 'tftp: transfer failed',
      );
    };
    const transfer = new TftpTransfer({
      reader,
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timeoutMs: limits.timeoutMs,
      retries: limits.retries,
      oack: negotiated.oack,
      send: (datagram) => sendFrom(socket, datagram, client),
      onFinalBlockSent: () => {
        finalBlockSent = true;
        countFinishing(client.address, 1);
      },
      onEnd,
    });
    const entry: Running = { transfer, socket };
    running.add(entry);

    socket.on('message', (msg, rinfo) => {
      const decoded = decodePacket(msg);
      if (rinfo.address !== client.address || rinfo.port !== client.port) {
        // RFC 1350 §4: answer a stranger with error 5 and carry on. Garbage gets nothing, and the
        // replies share the per-source rate, so spoofed packets cannot turn a transfer port into a
        // reflector (the error is larger than a 4-byte ACK).
        stats.foreignTid++;
        if (decoded.ok && limiter.allow(rinfo.address, now())) {
          sendError(socket, 'UNKNOWN_TRANSFER_ID', { address: rinfo.address, port: rinfo.port });
        }
        return;
      }
      if (!decoded.ok) {
        stats.malformed++;
        logger.debug({ client, reason: decoded.reason, bytes: msg.length }, 'tftp: datagram dropped');
        return;
      }
      transfer.handle(decoded.packet);
    });
    socket.on('error', (err) => {
      logger.warn({ err, client }, 'tftp: transfer socket error');
      transfer.abort();
    });
    transfer.start();
  };

  main.on('message', (msg, rinfo) => {
    if (!accepting) return;
    onRequest(msg, rinfo).catch((err: unknown) => logger.warn({ err }, 'tftp: request handling failed'));
  });

  return {
    address: () => main.address(),
    stats: () => ({ ...stats }),
    async close(options = {}) {
      if (!accepting) return closing;
      accepting = false;
      // The main socket goes first: no new request is read, and the port is free for the next
      // process, while requests already accepted finish on their own ports (RFC 1350 §4 TIDs).
      closing = (async () => {
        await new Promise<void>((resolve) => main.close(() => resolve()));
        const graceMs = options.graceMs ?? 0;
        if (stats.active > 0 && graceMs > 0) {
          logger.info({ active: stats.active, graceMs }, 'tftp: letting transfers in progress finish');
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs);
            drained = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        aborting = true;
        if (running.size > 0) logger.warn({ aborted: running.size }, 'tftp: transfers cut off at shutdown');
        for (const entry of [...running]) entry.transfer.abort();
      })();
      return closing;
    },
  };
}

function bind(socket: dgram.Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}
