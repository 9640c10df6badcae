/**
 * SIP message codec (RFC 3261 §7): just enough for SIP PnP and check-sync over UDP.
 * Pure: Buffers in, plain objects out. Parsing never throws; garbage yields `{ ok: false, reason }`
 * so the socket owner can count and drop it.
 */

/** One header line, name in its long form (compact forms are expanded on parse). */
export interface SipHeader {
  name: string;
  value: string;
}

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeader[];
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

export type SipParseResult = { ok: true; message: SipMessage } | { ok: false; reason: string };

/**
 * Largest datagram accepted. A PnP SUBSCRIBE is about 500 bytes; RFC 3261 §18.1.1 wants UDP
 * requests under the path MTU minus 200 anyway, so 4 KiB leaves room without inviting abuse.
 */
export const MAX_SIP_MESSAGE_BYTES = 4096;

/** RFC 3261 §7.3.3 compact header forms, plus RFC 6665 `o` (Event). */
const COMPACT_FORMS: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event',
};

/** Canonical spelling of the headers this code reads or writes, so output looks conventional. */
const CANONICAL_NAMES = new Map(
  ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Length', 'Content-Type', 'Event', 'Expires',
    'Max-Forwards', 'Subscription-State', 'Accept', 'User-Agent', 'Server'].map((name) => [name.toLowerCase(), name]),
);

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const SIP_VERSION = 'SIP/2.0';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one datagram. Never throws. */
export function parseSipMessage(data: Uint8Array, maxBytes = MAX_SIP_MESSAGE_BYTES): SipParseResult {
  if (data.length === 0) return { ok: false, reason: 'empty datagram' };
  if (data.length > maxBytes) return { ok: false, reason: `oversized: ${data.length} bytes > ${maxBytes}` };

  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const split = findHeaderEnd(buf);
  if (split === null) return { ok: false, reason: 'no empty line after the headers' };

  let head: string;
  try {
    head = utf8.decode(buf.subarray(0, split.headEnd));
  } catch {
    return { ok: false, reason: 'headers are not UTF-8' };
  }
  // RFC 3261 §7.5: implementations should ignore CRLFs before the start line (keep-alives).
  const lines = unfold(head.replace(/^(\r?\n)+/, '').split(/\r?\n/));
  const startLine = lines.shift();
  if (startLine === undefined || startLine === '') return { ok: false, reason: 'missing start line' };

  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) return { ok: false, reason: 'continuation line before any header' };
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'header line without a name' };
    const rawName = line.slice(0, colon).trim();
    if (!TOKEN.test(rawName)) return { ok: false, reason: 'header name is not a token' };
    headers.push({ name: canonicalName(rawName), value: line.slice(colon + 1).trim() });
  }

  const rest = buf.subarray(split.bodyStart);
  const lengthText = findHeader(headers, 'Content-Length');
  let bodyBytes = rest;
  if (lengthText !== undefined) {
    if (!/^\d{1,6}$/.test(lengthText)) return { ok: false, reason: 'bad Content-Length' };
    const length = Number(lengthText);
    if (length > rest.length) return { ok: false, reason: 'body shorter than Content-Length' };
    // §18.3: over UDP, bytes past Content-Length are discarded.
    bodyBytes = rest.subarray(0, length);
  }
  let body: string;
  try {
    body = utf8.decode(bodyBytes);
  } catch {
    return { ok: false, reason: 'body is not UTF-8' };
  }

  const response = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/i.exec(startLine);
  if (response) {
    return { ok: true, message: { kind: 'response', status: Number(response[1]), reason: response[2] ?? '', headers, body } };
  }
  const request = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/i.exec(startLine);
  if (request) {
    return { ok: true, message: { kind: 'request', method: request[1] ?? '', uri: request[2] ?? '', headers, body } };
  }
  return { ok: false, reason: 'start line is neither a SIP request nor a SIP response' };
}

/** Serialises a message; `Content-Length` is always (re)computed from the body. */
export function serializeSipMessage(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} ${SIP_VERSION}`
      : `${SIP_VERSION} ${message.status} ${message.reason}`;
  const body = Buffer.from(message.body, 'utf8');
  const lines = [start];
  for (const header of message.headers) {
    if (header.name.toLowerCase() === 'content-length') continue;
    lines.push(`${header.name}: ${header.value}`);
  }
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
}

/** First value of a header (case-insensitive name, compact forms accepted). */
export function findHeader(headers: readonly SipHeader[], name: string): string | undefined {
  const wanted = canonicalName(name).toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/** Every value of a header, in order (e.g. all `Via` lines). */
export function findHeaders(headers: readonly SipHeader[], name: string): string[] {
  const wanted = canonicalName(name).toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** A header value split into its leading value and `;name=value` parameters (quotes removed). */
export interface HeaderParams {
  value: string;
  params: Map<string, string>;
}

/**
 * Splits `ua-profile;profile-type="device";vendor="OEM"` or `SIP/2.0/UDP h:5060;branch=x;rport`.
 * Parameter names are lower-cased; quoted values may contain `;`. A parameter without a value
 * maps to ''.
 */
export function parseHeaderParams(text: string): HeaderParams {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const params = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const raw = eq === -1 ? '' : part.slice(eq + 1).trim();
    params.set(name, unquote(raw));
  }
  return { value: (parts[0] ?? '').trim(), params };
}

/** A From/To/Contact value: `"Name" <sip:u@h:p;uri-param>;tag=x` or `sip:u@h;tag=x`. */
export interface NameAddr {
  uri: string;
  params: Map<string, string>;
}

export function parseNameAddr(text: string): NameAddr | null {
  const open = text.indexOf('<');
  if (open !== -1) {
    const close = text.indexOf('>', open);
    if (close === -1) return null;
    const uri = text.slice(open + 1, close).trim();
    if (uri === '') return null;
    return { uri, params: parseHeaderParams(text.slice(close + 1)).params };
  }
  // RFC 3261 §20.10: without angle brackets, every `;param` belongs to the header, not the URI.
  const { value, params } = parseHeaderParams(text.trim());
  if (value === '' || /\s/.test(value)) return null;
  return { uri: value, params };
}

/** The parts of a `sip:` URI this code needs. */
export interface SipUri {
  user: string | undefined;
  host: string;
  port: number | undefined;
}

export function parseSipUri(uri: string): SipUri | null {
  const m = /^sips?:(?:([^@;?]*)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:[;?].*)?$/i.exec(uri.trim());
  if (!m) return null;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  return { user: m[1], host, port };
}

function canonicalName(raw: string): string {
  const expanded = COMPACT_FORMS[raw.toLowerCase()] ?? raw;
  return CANONICAL_NAMES.get(expanded.toLowerCase()) ?? expanded;
}

function findHeaderEnd(buf: Buffer): { headEnd: number; bodyStart: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  // Some embedded stacks end lines with a bare LF; accept whichever blank line comes first.
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { headEnd: lf, bodyStart: lf + 2 };
  return null;
}

/** RFC 3261 §7.3.1: a line starting with whitespace continues the previous header. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 1) {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`;
    } else {
      out.push(line);
    }
  }
  return out;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return raw;
}
