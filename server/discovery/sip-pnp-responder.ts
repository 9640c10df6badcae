import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { appError } from '../errors.ts';
import { findHeader, parseSipMessage, serializeSipMessage, MAX_SIP_MESSAGE_BYTES, type SipMessage, type SipRequest } from './sip-message.ts';
import {
  PNP_MULTICAST_GROUP,
  PNP_URL_RULES,
  SIP_DEFAULT_PORT,
  buildPnpNotify,
  buildPnpOk,
  pnpProfileUrl,
  readPnpSubscribe,
  responseTarget,
  type PnpLocal,
  type PnpUrlRule,
} from './sip-pnp.ts';
import { interfaceForSource, resolveInterfaces, type DiscoveryInterface, type InterfaceMap } from './interface-addresses.ts';
import { createSourceRateLimiter } from './source-rate-limit.ts';

/**
 * SIP PnP responder: the socket owner for `sip-pnp.ts`. Listens on UDP 5060 for the ua-profile
 * SUBSCRIBEs phones multicast to 224.0.1.75 (joined only on the named interfaces), answers 200 OK
 * to the source, then sends the NOTIFY with the profile URL to the phone's Contact, retransmitting
 * it until the phone answers (RFC 3261 §17.1.2.2 timer E). Malformed, oversized, off-link and
 * rate-limited datagrams are dropped and counted; nothing a phone sends can make it throw.
 */

/** A phone that asked for its profile; the pipeline records it as discovered. */
export interface PnpDiscovered {
  mac: string;
  vendor: string;
  model: string;
  version: string;
  ip: string;
}

export interface PnpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface PnpResponderOptions {
  /** Interface names (`DESKPROV_DISCOVERY`); the group is joined on these only. */
  interfaces: readonly string[];
  /** Base URL phones are told (`config.publicUrl`); a function when it is known only after listen. */
  publicUrl: string | (() => string);
  /** Called once per new SUBSCRIBE dialog; errors it throws are logged, never propagated. */
  onDiscovered?: (phone: PnpDiscovered) => void;
  /** UDP port, 5060 unless a test says otherwise. */
  port?: number;
  logger?: PnpLogger;
  /** Per-source budget; default 20 messages per 10 s. */
  rateLimit?: { limit: number; windowMs: number };
  maxMessageBytes?: number;
  urlRules?: readonly PnpUrlRule[];
  /** `os.networkInterfaces` by default; tests may pass a fixed map. */
  networkInterfaces?: () => InterfaceMap;
}

export interface PnpStats {
  received: number;
  answered: number;
  notified: number;
  notifyAcked: number;
  retransmissions: number;
  malformed: number;
  oversized: number;
  ignored: number;
  rateLimited: number;
  offLink: number;
}

export interface PnpResponder {
  stats(): PnpStats;
  close(): Promise<void>;
}

/** RFC 3261 §17.1.2.2: retransmit at T1, doubling; give up after a few tries (PnP phones retry anyway). */
const T1_MS = 500;
const MAX_NOTIFY_SENDS = 4;
/** A dialog is remembered this long so SUBSCRIBE retransmissions get the same 200 (timer F, 64·T1). */
const DIALOG_TTL_MS = 64 * T1_MS;
const MAX_DIALOGS = 1024;

interface Dialog {
  request: SipRequest;
  local: PnpLocal;
  expires: number;
  acked: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface Link {
  iface: DiscoveryInterface & { ipv4: string };
  socket: dgram.Socket;
}

export async function startPnpResponder(opts: PnpResponderOptions): Promise<PnpResponder> {
  const port = opts.port ?? SIP_DEFAULT_PORT;
  const maxBytes = opts.maxMessageBytes ?? MAX_SIP_MESSAGE_BYTES;
  const log = opts.logger;
  const resolved = resolveInterfaces(opts.interfaces, (opts.networkInterfaces ?? os.networkInterfaces)() as InterfaceMap);
  if (!resolved.ok) {
    throw appError('INVALID_FIELD', `SIP PnP: ${resolved.errors.join('; ')}`, { field: 'discovery' });
  }
  const withV4 = resolved.interfaces.filter((i): i is Link['iface'] => i.ipv4 !== undefined);
  if (withV4.length === 0) {
    throw appError('INVALID_FIELD', 'SIP PnP needs an IPv4 address on a discovery interface (224.0.1.75 is IPv4)', { field: 'discovery' });
  }

  const stats: PnpStats = {
    received: 0, answered: 0, notified: 0, notifyAcked: 0, retransmissions: 0,
    malformed: 0, oversized: 0, ignored: 0, rateLimited: 0, offLink: 0,
  };
  const limiter = createSourceRateLimiter({ ...(opts.rateLimit ?? { limit: 20, windowMs: 10_000 }), maxSources: 4096 });
  const dialogs = new Map<string, Dialog>();
  let nextCseq = 1;
  let closed = false;

  // Binding to the group address (Linux) keeps unicast traffic for other services out of this
  // socket; the join is per interface, so the group is heard only where the admin allowed.
  const group = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  // One unicast socket per interface: replies leave from <interface address>:5060, and the
  // phone's 200 for our NOTIFY comes back to it.
  const links: Link[] = withV4.map((iface) => ({ iface, socket: dgram.createSocket({ type: 'udp4', reuseAddr: true }) }));
  const sockets = [group, ...links.map((l) => l.socket)];
  try {
    await bind(group, port, PNP_MULTICAST_GROUP);
    for (const link of links) group.addMembership(PNP_MULTICAST_GROUP, link.iface.ipv4);
    for (const link of links) await bind(link.socket, port, link.iface.ipv4);
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }
  for (const s of sockets) {
    s.on('message', (data, rinfo) => onDatagram(data, rinfo));
    s.on('error', (err) => log?.warn({ err: err.message }, 'sip pnp socket error'));
  }
  log?.info({ port, interfaces: links.map((l) => l.iface.name) }, 'sip pnp responder listening');

  function onDatagram(data: Buffer, rinfo: dgram.RemoteInfo): void {
    stats.received += 1;
    const link = links.find((l) => interfaceForSource([l.iface], rinfo.address) !== undefined);
    if (link === undefined) {
      stats.offLink += 1;
      return;
    }
    const now = Date.now();
    if (!limiter.allow(rinfo.address, now)) {
      stats.rateLimited += 1;
      return;
    }
    const parsed = parseSipMessage(data, maxBytes);
    if (!parsed.ok) {
      if (parsed.reason.startsWith('oversized')) stats.oversized += 1;
      else stats.malformed += 1;
      log?.debug({ source: rinfo.address, reason: parsed.reason }, 'sip pnp datagram dropped');
      return;
    }
    handle(parsed.message, link, rinfo, now);
  }

  function handle(message: SipMessage, link: Link, rinfo: dgram.RemoteInfo, now: number): void {
    const callId = findHeader(message.headers, 'Call-ID') ?? '';
    if (message.kind === 'response') {
      const dialog = dialogs.get(callId);
      const cseq = (findHeader(message.headers, 'CSeq') ?? '').replace(/\s+/g, ' ');
      if (dialog !== undefined && cseq === `${dialog.local.notifyCseq} NOTIFY` && message.status >= 200) {
        dialog.acked = true;
        clearTimeout(dialog.timer);
        stats.notifyAcked += 1;
      } else {
        stats.ignored += 1;
      }
      return;
    }
    const read = readPnpSubscribe(message);
    if (!read.ok) {
      stats.ignored += 1;
      log?.debug({ source: rinfo.address, reason: read.reason }, 'sip request ignored');
      return;
    }
    const source = { address: rinfo.address, port: rinfo.port };
    pruneDialogs(now);
    const known = dialogs.get(callId);
    if (known !== undefined) {
      // A retransmitted SUBSCRIBE: same 200 again (same tag), no second NOTIFY.
      send(link, serializeSipMessage(buildPnpOk(message, known.local, source)), responseTarget(message, source));
      stats.answered += 1;
      return;
    }
    const local: PnpLocal = {
      host: link.iface.ipv4,
      port,
      tag: randomBytes(6).toString('hex'),
      branch: randomBytes(8).toString('hex'),
      notifyCseq: nextCseq++,
    };
    const dialog: Dialog = { request: message, local, expires: now + DIALOG_TTL_MS, acked: false, timer: undefined };
    dialogs.set(callId, dialog);

    const phone = read.subscribe;
    const publicUrl = typeof opts.publicUrl === 'function' ? opts.publicUrl() : opts.publicUrl;
    const url = pnpProfileUrl(publicUrl, phone, opts.urlRules ?? PNP_URL_RULES);
    // The NOTIFY goes to the Contact only when it is on the same link as the sender: otherwise a
    // spoofed Contact would turn us into a reflector towards any host.
    const contactOnLink = interfaceForSource([link.iface], phone.contact.host) !== undefined;
    const notifyTarget = { address: contactOnLink ? phone.contact.host : rinfo.address, port: phone.contact.port };
    const notify = serializeSipMessage(buildPnpNotify(message, phone, local, url));

    // The 200 must reach the phone before the NOTIFY (RFC 6665 §4.1.2.4 lets a NOTIFY overtake
    // it, but simple phone stacks drop that), so the NOTIFY is sent from the 200's callback.
    send(link, serializeSipMessage(buildPnpOk(message, local, source)), responseTarget(message, source), () => {
      stats.answered += 1;
      sendNotify(link, dialog, notify, notifyTarget, 1);
    });
    log?.info({ mac: phone.mac, vendor: phone.vendor, model: phone.model, ip: rinfo.address }, 'sip pnp subscribe answered');
    try {
      opts.onDiscovered?.({ mac: phone.mac, vendor: phone.vendor, model: phone.model, version: phone.version, ip: rinfo.address });
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'sip pnp onDiscovered failed');
    }
  }

  function sendNotify(link: Link, dialog: Dialog, notify: Buffer, target: { address: string; port: number }, attempt: number): void {
    if (closed || dialog.acked) return;
    send(link, notify, target);
    if (attempt === 1) stats.notified += 1;
    else stats.retransmissions += 1;
    if (attempt < MAX_NOTIFY_SENDS) {
      dialog.timer = setTimeout(() => sendNotify(link, dialog, notify, target, attempt + 1), T1_MS * 2 ** (attempt - 1));
      dialog.timer.unref();
    }
  }

  function send(link: Link, data: Buffer, target: { address: string; port: number }, then?: () => void): void {
    if (closed) return;
    link.socket.send(data, target.port, target.address, (err) => {
      if (err) log?.warn({ err: err.message, target: target.address }, 'sip pnp send failed');
      else then?.();
    });
  }

  function pruneDialogs(now: number): void {
    for (const [key, dialog] of dialogs) {
      if (dialog.expires <= now || dialogs.size > MAX_DIALOGS) {
        clearTimeout(dialog.timer);
        dialogs.delete(key);
      }
    }
  }

  return {
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      for (const dialog of dialogs.values()) clearTimeout(dialog.timer);
      dialogs.clear();
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: false }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}
