import { tryParseMac, type Mac } from '../domain/mac-address.ts';
import {
  findHeader,
  findHeaders,
  parseHeaderParams,
  parseNameAddr,
  parseSipUri,
  type SipRequest,
  type SipResponse,
} from './sip-message.ts';

/**
 * SIP PnP, the `ua-profile` event package (RFC 6080, as phones implement its pre-RFC draft):
 * a booting phone multicasts a SUBSCRIBE to 224.0.1.75:5060; we answer 200 OK, then a NOTIFY
 * whose `application/url` body is where it fetches its configuration. Pure: the socket owner in
 * `sip-pnp-responder.ts` supplies tags, branches and addresses.
 *
 * Sample request (Snom trace, see VENDORS.md §10):
 *   SUBSCRIBE sip:MAC%3a00135E874B49@intern.snom.de SIP/2.0
 *   From: <sip:MAC%3a00135E874B49@intern.snom.de>;tag=658512961
 *   Event: ua-profile;profile-type="device";vendor="OEM";model="OEM";version="7.1.19"
 *   Contact: <sip:192.168.10.67:5060>
 */

export const PNP_MULTICAST_GROUP = '224.0.1.75';
export const SIP_DEFAULT_PORT = 5060;

/** What a phone told us about itself in its SUBSCRIBE. */
export interface PnpSubscribe {
  mac: Mac;
  /** Lower-cased `vendor` Event parameter ('' when absent). */
  vendor: string;
  model: string;
  version: string;
  /** Where the phone wants the NOTIFY (its Contact), port defaulted to 5060. */
  contact: { uri: string; host: string; port: number };
}

export type PnpReadResult = { ok: true; subscribe: PnpSubscribe } | { ok: false; reason: string };

/** RFC 3261 §8.1.1: headers every request carries; without them no dialog can be built. */
const REQUIRED_HEADERS = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Event'];

/** Reads a ua-profile SUBSCRIBE; anything else yields a reason to drop it. */
export function readPnpSubscribe(request: SipRequest): PnpReadResult {
  if (request.method !== 'SUBSCRIBE') return { ok: false, reason: `method ${request.method} is not SUBSCRIBE` };
  for (const name of REQUIRED_HEADERS) {
    if (findHeader(request.headers, name) === undefined) return { ok: false, reason: `missing ${name}` };
  }
  const event = parseHeaderParams(findHeader(request.headers, 'Event') ?? '');
  if (event.value.toLowerCase() !== 'ua-profile') return { ok: false, reason: `event ${event.value} is not ua-profile` };
  // RFC 6080 §4.1: profile-type device|user|local-network; only the device profile is ours.
  const profileType = event.params.get('profile-type') ?? 'device';
  if (profileType.toLowerCase() !== 'device') return { ok: false, reason: `profile-type ${profileType} is not served` };

  const candidates = [request.uri, findHeader(request.headers, 'From'), findHeader(request.headers, 'To')];
  let mac: Mac | null = null;
  for (const candidate of candidates) {
    mac = candidate === undefined ? null : macFromAddress(candidate);
    if (mac !== null) break;
  }
  if (mac === null) return { ok: false, reason: 'no MAC in the request URI, From or To' };

  const contactAddr = parseNameAddr(findHeader(request.headers, 'Contact') ?? '');
  const contactUri = contactAddr === null ? null : parseSipUri(contactAddr.uri);
  if (contactAddr === null || contactUri === null) return { ok: false, reason: 'unusable Contact' };

  return {
    ok: true,
    subscribe: {
      mac,
      vendor: (event.params.get('vendor') ?? '').toLowerCase(),
      model: event.params.get('model') ?? '',
      version: event.params.get('version') ?? '',
      contact: { uri: contactAddr.uri, host: contactUri.host, port: contactUri.port ?? SIP_DEFAULT_PORT },
    },
  };
}

/**
 * The MAC in a SIP address's user part. Phones spell it `MAC%3a00135E874B49` (Snom),
 * `MAC:…`, `MAC=00304fa99948` (Fanvil/Planet), `MAC00135E874B49` or bare hex.
 */
export function macFromAddress(text: string): Mac | null {
  const addr = parseNameAddr(text);
  const uri = addr === null ? null : parseSipUri(addr.uri);
  if (uri?.user === undefined) return null;
  let user: string;
  try {
    user = decodeURIComponent(uri.user);
  } catch {
    return null;
  }
  const m = /^(?:mac[:=]?)?(.+)$/i.exec(user);
  return m?.[1] === undefined ? null : tryParseMac(m[1]);
}

/**
 * How each vendor wants the NOTIFY body URL. First matching rule wins. `{base}` is our public URL
 * (ends in `/`), `{model}` the Event `model` (only used where `modelPattern` proves it is
 * file-name safe); `{mac}` is left for the phone to substitute (Snom does, VENDORS.md §10).
 */
export interface PnpUrlRule {
  /** Lower-case Event `vendor`, or `*` for any. */
  vendor: string;
  /** Case-insensitive regular expression the Event `model` must match. */
  modelPattern?: string;
  template: string;
}

export const PNP_URL_RULES: readonly PnpUrlRule[] = [
  // Snom substitutes {mac} (upper-case) itself; our files are named snom<type>-<MAC>.htm.
  { vendor: 'snom', modelPattern: '^snom[a-z0-9]{2,12}$', template: '{base}{model}-{mac}.htm' },
  // Without a usable model, a folder URL makes a Snom ask for snom<type>.htm, then snom<type>-<MAC>.htm.
  { vendor: 'snom', template: '{base}' },
  // Grandstream: must be a folder URL ending in `/`; the phone appends cfg<mac>.xml.
  { vendor: 'grandstream', template: '{base}' },
  { vendor: '*', template: '{base}' },
];

/** The URL to put in the NOTIFY body for this phone. */
export function pnpProfileUrl(
  publicUrl: string,
  phone: { vendor: string; model: string },
  rules: readonly PnpUrlRule[] = PNP_URL_RULES,
): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const vendor = phone.vendor.toLowerCase();
  const rule = rules.find(
    (r) =>
      (r.vendor === '*' || r.vendor === vendor) &&
      (r.modelPattern === undefined || new RegExp(r.modelPattern, 'i').test(phone.model)),
  );
  const template = rule?.template ?? '{base}';
  return template.replaceAll('{base}', base).replaceAll('{model}', phone.model);
}

/** Our side of the exchange, chosen by the socket owner. */
export interface PnpLocal {
  /** Address and port the phone can reach us at (the interface address the SUBSCRIBE came in on). */
  host: string;
  port: number;
  /** Tag we add to the To of the 200 and use as From tag of the NOTIFY. */
  tag: string;
  /** Unique part of the NOTIFY's Via branch (the `z9hG4bK` cookie is added here). */
  branch: string;
  /** CSeq number of our NOTIFY: our own sequence, never derived from the SUBSCRIBE's. */
  notifyCseq: number;
}

/**
 * The 200 OK for a SUBSCRIBE (RFC 3261 §8.2.6.2): Via, From, Call-ID and CSeq copied, a tag added
 * to To; `Expires: 0` because the subscription ends with the one NOTIFY (RFC 6665 §4.2.1.1).
 * The top Via gets `received`/`rport` filled in (RFC 3581 §4).
 */
export function buildPnpOk(request: SipRequest, local: PnpLocal, source: { address: string; port: number }): SipResponse {
  const vias = findHeaders(request.headers, 'Via');
  const [top, ...others] = vias;
  const to = findHeader(request.headers, 'To') ?? '';
  return {
    kind: 'response',
    status: 200,
    reason: 'OK',
    headers: [
      ...(top === undefined ? [] : [{ name: 'Via', value: stampVia(top, source) }]),
      ...others.map((value) => ({ name: 'Via', value })),
      { name: 'From', value: findHeader(request.headers, 'From') ?? '' },
      { name: 'To', value: withTag(to, local.tag) },
      { name: 'Call-ID', value: findHeader(request.headers, 'Call-ID') ?? '' },
      { name: 'CSeq', value: findHeader(request.headers, 'CSeq') ?? '' },
      { name: 'Contact', value: `<sip:${hostForUri(local.host)}:${local.port}>` },
      { name: 'Expires', value: '0' },
    ],
    body: '',
  };
}

/**
 * The NOTIFY carrying the profile URL, sent inside the dialog the 200 created (RFC 3261 §12.2.1):
 * request URI = the phone's Contact, From = our To (with our tag), To = the phone's From, same
 * Call-ID, a fresh branch and our own CSeq.
 */
export function buildPnpNotify(request: SipRequest, subscribe: PnpSubscribe, local: PnpLocal, profileUrl: string): SipRequest {
  const to = findHeader(request.headers, 'To') ?? '';
  return {
    kind: 'request',
    method: 'NOTIFY',
    uri: subscribe.contact.uri,
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP ${hostForUri(local.host)}:${local.port};branch=z9hG4bK${local.branch};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: withTag(to, local.tag) },
      { name: 'To', value: findHeader(request.headers, 'From') ?? '' },
      { name: 'Call-ID', value: findHeader(request.headers, 'Call-ID') ?? '' },
      { name: 'CSeq', value: `${local.notifyCseq} NOTIFY` },
      { name: 'Contact', value: `<sip:${hostForUri(local.host)}:${local.port}>` },
      { name: 'Event', value: findHeader(request.headers, 'Event') ?? 'ua-profile' },
      { name: 'Subscription-State', value: 'terminated;reason=timeout' },
      { name: 'Content-Type', value: 'application/url' },
    ],
    body: profileUrl,
  };
}

/**
 * Where a response goes (RFC 3261 §18.2.2 with RFC 3581): the source address, and the source
 * port when the top Via asks for `rport`, else the Via's sent-by port.
 */
export function responseTarget(request: SipRequest, source: { address: string; port: number }): { address: string; port: number } {
  const top = findHeader(request.headers, 'Via');
  if (top === undefined) return source;
  const via = parseHeaderParams(top);
  if (via.params.has('rport')) return source;
  const sentBy = /\s(\[[^\]]+\]|[^\s:;]+)(?::(\d{1,5}))?\s*$/.exec(via.value);
  const port = sentBy?.[2] === undefined ? SIP_DEFAULT_PORT : Number(sentBy[2]);
  return { address: source.address, port: port >= 1 && port <= 65535 ? port : SIP_DEFAULT_PORT };
}

function stampVia(via: string, source: { address: string; port: number }): string {
  const parsed = parseHeaderParams(via);
  let out = via;
  if (parsed.params.has('rport') && parsed.params.get('rport') === '') {
    out = out.replace(/;\s*rport(?=;|$)/i, `;rport=${source.port}`);
  }
  if (!parsed.params.has('received')) out = `${out};received=${source.address}`;
  return out;
}

function withTag(nameAddr: string, tag: string): string {
  const parsed = parseNameAddr(nameAddr);
  if (parsed?.params.has('tag')) return nameAddr;
  return `${nameAddr};tag=${tag}`;
}

function hostForUri(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
