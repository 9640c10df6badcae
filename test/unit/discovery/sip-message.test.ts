import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_SIP_MESSAGE_BYTES,
  findHeader,
  findHeaders,
  parseHeaderParams,
  parseNameAddr,
  parseSipMessage,
  parseSipUri,
  serializeSipMessage,
  type SipMessage,
} from '../../../server/discovery/sip-message.ts';

// Snom's PnP SUBSCRIBE from its trace (VENDORS.md §10), CRLF line ends as on the wire.
const SNOM_SUBSCRIBE = [
  'SUBSCRIBE sip:MAC%3a00135E874B49@intern.snom.de SIP/2.0',
  'Via: SIP/2.0/UDP 192.168.10.67:5060;rport',
  'From: <sip:MAC%3a00135E874B49@intern.snom.de>;tag=658512961',
  'To: <sip:MAC%3a00135E874B49@intern.snom.de>',
  'Call-ID: 1930770594@192.168.10.67',
  'CSeq: 1 SUBSCRIBE',
  'Event: ua-profile;profile-type="device";vendor="OEM";model="OEM";version="7.1.19"',
  'Expires: 0',
  'Accept: application/url',
  'Contact: <sip:192.168.10.67:5060>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function parse(text: string | Buffer): SipMessage {
  const result = parseSipMessage(typeof text === 'string' ? Buffer.from(text) : text);
  if (!result.ok) throw new Error(`expected a message, got: ${result.reason}`);
  return result.message;
}

describe('parseSipMessage', () => {
  it('reads the method, request URI and headers of a real Snom PnP SUBSCRIBE', () => {
    const msg = parse(SNOM_SUBSCRIBE);
    expect(msg.kind).toBe('request');
    if (msg.kind !== 'request') return;
    expect(msg.method).toBe('SUBSCRIBE');
    expect(msg.uri).toBe('sip:MAC%3a00135E874B49@intern.snom.de');
    expect(findHeader(msg.headers, 'call-id')).toBe('1930770594@192.168.10.67');
    expect(findHeader(msg.headers, 'Event')).toContain('ua-profile');
    expect(msg.body).toBe('');
  });

  it('reads a response status, reason and body cut at Content-Length', () => {
    const msg = parse('SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 5\r\n\r\nhello, and trailing bytes');
    expect(msg).toMatchObject({ kind: 'response', status: 200, reason: 'OK', body: 'hello' });
  });

  it('expands compact header names to their long form', () => {
    const msg = parse('NOTIFY sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h\r\ni: abc\r\nf: <sip:a@b>\r\nt: <sip:c@d>\r\no: check-sync\r\nl: 0\r\n\r\n');
    expect(msg.headers.map((h) => h.name)).toEqual(['Via', 'Call-ID', 'From', 'To', 'Event', 'Content-Length']);
  });

  it('joins folded header lines and accepts bare LF line ends', () => {
    const msg = parse('OPTIONS sip:a@b SIP/2.0\nSubject: first\n  second\n\n');
    expect(findHeader(msg.headers, 's')).toBe('first second');
  });

  it('keeps repeated headers in order', () => {
    const msg = parse('SIP/2.0 180 Ringing\r\nVia: one\r\nVia: two\r\n\r\n');
    expect(findHeaders(msg.headers, 'via')).toEqual(['one', 'two']);
  });

  it.each([
    ['an empty datagram', ''],
    ['a start line that is not SIP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a message without the blank line', 'SUBSCRIBE sip:a@b SIP/2.0\r\nVia: x'],
    ['a header line without a colon', 'SUBSCRIBE sip:a@b SIP/2.0\r\nVia x\r\n\r\n'],
    ['a header name with spaces', 'SUBSCRIBE sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n'],
    ['a Content-Length larger than the body', 'SIP/2.0 200 OK\r\nContent-Length: 10\r\n\r\nabc'],
    ['a non-numeric Content-Length', 'SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a continuation line right after the start line', 'SIP/2.0 200 OK\r\n x: y\r\n\r\n'],
    ['a wrong SIP version', 'SUBSCRIBE sip:a@b SIP/3.0\r\n\r\n'],
  ])('rejects %s with a reason', (_label, text) => {
    const result = parseSipMessage(Buffer.from(text));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it('rejects headers that are not UTF-8', () => {
    const result = parseSipMessage(Buffer.concat([Buffer.from('SIP/2.0 200 OK\r\nX: '), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n\r\n')]));
    expect(result).toEqual({ ok: false, reason: 'headers are not UTF-8' });
  });

  it('rejects datagrams over the size cap before looking at them', () => {
    const big = Buffer.alloc(MAX_SIP_MESSAGE_BYTES + 1, 0x41);
    expect(parseSipMessage(big)).toEqual({ ok: false, reason: `oversized: ${big.length} bytes > ${MAX_SIP_MESSAGE_BYTES}` });
    expect(parseSipMessage(Buffer.from(SNOM_SUBSCRIBE), 100).ok).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const result = parseSipMessage(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on SIP-looking text with random headers', () => {
    const line = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.string({ maxLength: 40 }), (lines, body) => {
        const text = `SUBSCRIBE sip:x@y SIP/2.0\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
        expect(typeof parseSipMessage(Buffer.from(text)).ok).toBe('boolean');
      }),
    );
  });
});

describe('serializeSipMessage', () => {
  it('round-trips the Snom SUBSCRIBE byte for byte', () => {
    expect(serializeSipMessage(parse(SNOM_SUBSCRIBE)).toString()).toBe(SNOM_SUBSCRIBE);
  });

  it('computes Content-Length from the UTF-8 body, replacing any given one', () => {
    const out = serializeSipMessage({
      kind: 'response',
      status: 200,
      reason: 'OK',
      headers: [{ name: 'Content-Length', value: '999' }],
      body: 'http://prov.example/ä',
    }).toString();
    expect(out).toBe('SIP/2.0 200 OK\r\nContent-Length: 22\r\n\r\nhttp://prov.example/ä');
  });

  it('gives back the same message after serialise then parse, for any request', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
    const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    fc.assert(
      fc.property(
        token.filter((t) => !['l', 'content-length'].includes(t.toLowerCase())),
        fc.array(fc.record({ name: token.filter((t) => t.length > 1 && t.toLowerCase() !== 'content-length'), value }), { maxLength: 6 }),
        fc.string({ maxLength: 60 }),
        (method, headers, body) => {
          const message: SipMessage = { kind: 'request', method: method.toUpperCase(), uri: 'sip:a@b', headers, body };
          const again = parse(serializeSipMessage(message));
          expect(again).toMatchObject({ kind: 'request', method: message.method, uri: 'sip:a@b', body });
          expect(again.headers.slice(0, -1).map((h) => h.value)).toEqual(headers.map((h) => h.value));
        },
      ),
    );
  });
});

describe('header helpers', () => {
  it('splits Event parameters, unquoting values that contain semicolons', () => {
    const { value, params } = parseHeaderParams('ua-profile;profile-type="device";vendor="A;B";model=X1;rport');
    expect(value).toBe('ua-profile');
    expect(Object.fromEntries(params)).toEqual({ 'profile-type': 'device', vendor: 'A;B', model: 'X1', rport: '' });
  });

  it('reads name-addr and addr-spec forms, with header params outside the URI', () => {
    expect(parseNameAddr('"Desk" <sip:100@pbx;transport=udp>;tag=abc')).toEqual({
      uri: 'sip:100@pbx;transport=udp',
      params: new Map([['tag', 'abc']]),
    });
    expect(parseNameAddr('sip:100@pbx;tag=abc')).toEqual({ uri: 'sip:100@pbx', params: new Map([['tag', 'abc']]) });
    expect(parseNameAddr('<sip:100@pbx')).toBeNull();
    expect(parseNameAddr('')).toBeNull();
  });

  it('reads user, host and port of SIP URIs, IPv6 included', () => {
    expect(parseSipUri('sip:MAC%3a00135E874B49@intern.snom.de')).toEqual({ user: 'MAC%3a00135E874B49', host: 'intern.snom.de', port: undefined });
    expect(parseSipUri('sip:10.0.0.5:5062;transport=udp')).toEqual({ user: undefined, host: '10.0.0.5', port: 5062 });
    expect(parseSipUri('sip:phone@[fd00::5]:5060')).toEqual({ user: 'phone', host: 'fd00::5', port: 5060 });
    expect(parseSipUri('http://x')).toBeNull();
    expect(parseSipUri('sip:host:70000')).toBeNull();
  });
});
