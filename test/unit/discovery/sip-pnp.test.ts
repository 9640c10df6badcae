import { describe, expect, it } from 'vitest';
import { findHeader, parseNameAddr, parseSipMessage, serializeSipMessage, type SipRequest } from '../../../server/discovery/sip-message.ts';
import {
  buildPnpNotify,
  buildPnpOk,
  macFromAddress,
  pnpProfileUrl,
  readPnpSubscribe,
  responseTarget,
  type PnpLocal,
} from '../../../server/discovery/sip-pnp.ts';

function subscribe(opts: { uri: string; from?: string; event: string; via?: string; contact?: string }): SipRequest {
  const from = opts.from ?? opts.uri;
  const text = [
    `SUBSCRIBE ${opts.uri} SIP/2.0`,
    `Via: ${opts.via ?? 'SIP/2.0/UDP 10.77.0.2:5060;branch=z9hG4bK1;rport'}`,
    `From: <${from}>;tag=phone-tag`,
    `To: <${from}>`,
    'Call-ID: call-1@10.77.0.2',
    'CSeq: 7 SUBSCRIBE',
    `Event: ${opts.event}`,
    'Accept: application/url',
    'Expires: 0',
    `Contact: ${opts.contact ?? '<sip:10.77.0.2:5060>'}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.from(text));
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('fixture does not parse');
  return parsed.message;
}

const SNOM_EVENT = 'ua-profile;profile-type="device";vendor="snom";model="snomD785";version="10.1.54"';
const LOCAL: PnpLocal = { host: '10.77.0.1', port: 5060, tag: 'our-tag', branch: 'abc123', notifyCseq: 1 };

describe('macFromAddress', () => {
  it.each([
    ['sip:MAC%3a00135E874B49@intern.snom.de', '00135e874b49'],
    ['sip:MAC%3A00135E874B49@224.0.1.75', '00135e874b49'],
    ['<sip:MAC:805ec0aabbcc@224.0.1.75>', '805ec0aabbcc'],
    ['sip:MAC=00a859aabbcc@224.0.1.75', '00a859aabbcc'],
    ['sip:MAC000b82aabbcc@224.0.1.75', '000b82aabbcc'],
    ['sip:000413A1B2C3@224.0.1.75', '000413a1b2c3'],
    ['sip:MAC%3a00:04:13:a1:b2:c3@224.0.1.75', '000413a1b2c3'],
  ])('finds the MAC in %s', (address, mac) => {
    expect(macFromAddress(address)).toBe(mac);
  });

  it.each([
    ['no user part', 'sip:224.0.1.75'],
    ['a user part that is not a MAC', 'sip:alice@example.com'],
    ['a broken percent escape', 'sip:MAC%zz00135E874B49@x'],
    ['a multicast MAC', 'sip:MAC=010203040506@x'],
    ['eleven hex digits', 'sip:MAC=00135E874B4@x'],
  ])('returns null for %s', (_label, address) => {
    expect(macFromAddress(address)).toBeNull();
  });
});

describe('readPnpSubscribe', () => {
  it('reads MAC, vendor, model, version and Contact from a Snom-style SUBSCRIBE', () => {
    const result = readPnpSubscribe(subscribe({ uri: 'sip:MAC%3a000413A1B2C3@224.0.1.75', event: SNOM_EVENT }));
    expect(result).toEqual({
      ok: true,
      subscribe: {
        mac: '000413a1b2c3',
        vendor: 'snom',
        model: 'snomD785',
        version: '10.1.54',
        contact: { uri: 'sip:10.77.0.2:5060', host: '10.77.0.2', port: 5060 },
      },
    });
  });

  it('takes the MAC from From when the request URI has none', () => {
    const req = subscribe({ uri: 'sip:224.0.1.75', from: 'sip:MAC=00a859aabbcc@224.0.1.75', event: 'ua-profile;vendor="Fanvil";model="X4U";version="2.12"', contact: '<sip:10.77.0.2:5062;transport=udp>' });
    const result = readPnpSubscribe(req);
    expect(result.ok && result.subscribe).toMatchObject({ mac: '00a859aabbcc', vendor: 'fanvil', contact: { port: 5062 } });
  });

  it('defaults a missing profile-type to device and a Contact without port to 5060', () => {
    const result = readPnpSubscribe(subscribe({ uri: 'sip:MAC:805ec0aabbcc@224.0.1.75', event: 'ua-profile', contact: 'sip:10.77.0.9' }));
    expect(result.ok && result.subscribe).toMatchObject({ vendor: '', model: '', contact: { host: '10.77.0.9', port: 5060 } });
  });

  it.each([
    ['another event package', { event: 'presence' }, 'event presence is not ua-profile'],
    ['a user profile request', { event: 'ua-profile;profile-type="user"' }, 'profile-type user is not served'],
    ['no MAC anywhere', { uri: 'sip:alice@224.0.1.75', event: SNOM_EVENT }, 'no MAC in the request URI, From or To'],
    ['an unusable Contact', { event: SNOM_EVENT, contact: '<mailto:x@y>' }, 'unusable Contact'],
  ])('refuses %s', (_label, opts, reason) => {
    const req = subscribe({ uri: 'sip:MAC%3a000413A1B2C3@224.0.1.75', ...opts });
    expect(readPnpSubscribe(req)).toEqual({ ok: false, reason });
  });

  it('refuses other methods and requests missing a dialog header', () => {
    const req = subscribe({ uri: 'sip:MAC%3a000413A1B2C3@224.0.1.75', event: SNOM_EVENT });
    expect(readPnpSubscribe({ ...req, method: 'OPTIONS' })).toEqual({ ok: false, reason: 'method OPTIONS is not SUBSCRIBE' });
    const noCallId = { ...req, headers: req.headers.filter((h) => h.name !== 'Call-ID') };
    expect(readPnpSubscribe(noCallId)).toEqual({ ok: false, reason: 'missing Call-ID' });
  });
});

describe('pnpProfileUrl', () => {
  const base = 'http://10.77.0.1:8080/';

  it('gives a Snom a per-phone file URL with {mac} left for the phone to fill in', () => {
    expect(pnpProfileUrl(base, { vendor: 'snom', model: 'snomD785' })).toBe('http://10.77.0.1:8080/snomD785-{mac}.htm');
  });

  it('gives a Snom with an odd model the folder URL, never the raw model text', () => {
    expect(pnpProfileUrl(base, { vendor: 'snom', model: 'OEM' })).toBe(base);
    expect(pnpProfileUrl(base, { vendor: 'snom', model: 'snom../../x' })).toBe(base);
  });

  it('gives Grandstream a folder URL ending in a slash even when the base has none', () => {
    expect(pnpProfileUrl('http://prov.example/gs', { vendor: 'grandstream', model: 'GRP2614' })).toBe('http://prov.example/gs/');
  });

  it('gives any other vendor the base URL', () => {
    expect(pnpProfileUrl(base, { vendor: 'yealink', model: 'SIP-T54W' })).toBe(base);
    expect(pnpProfileUrl(base, { vendor: 'fanvil', model: 'X4U' })).toBe(base);
  });

  it('follows a rule table passed in', () => {
    const rules = [{ vendor: 'fanvil', template: '{base}fanvil/{mac}.cfg' }];
    expect(pnpProfileUrl(base, { vendor: 'Fanvil', model: 'X4U' }, rules)).toBe('http://10.77.0.1:8080/fanvil/{mac}.cfg');
  });
});

describe('buildPnpOk and buildPnpNotify', () => {
  const req = subscribe({ uri: 'sip:MAC%3a000413A1B2C3@224.0.1.75', event: SNOM_EVENT });
  const read = readPnpSubscribe(req);
  if (!read.ok) throw new Error(read.reason);
  const source = { address: '10.77.0.2', port: 5060 };

  it('answers 200 echoing Via, From, Call-ID and CSeq, with a tag on To and Expires 0', () => {
    const ok = buildPnpOk(req, LOCAL, source);
    expect(ok.status).toBe(200);
    expect(findHeader(ok.headers, 'Via')).toBe('SIP/2.0/UDP 10.77.0.2:5060;branch=z9hG4bK1;rport=5060;received=10.77.0.2');
    expect(findHeader(ok.headers, 'From')).toBe(findHeader(req.headers, 'From'));
    expect(findHeader(ok.headers, 'To')).toBe('<sip:MAC%3a000413A1B2C3@224.0.1.75>;tag=our-tag');
    expect(findHeader(ok.headers, 'Call-ID')).toBe('call-1@10.77.0.2');
    expect(findHeader(ok.headers, 'CSeq')).toBe('7 SUBSCRIBE');
    expect(findHeader(ok.headers, 'Expires')).toBe('0');
    expect(serializeSipMessage(ok).toString()).toContain('\r\nContent-Length: 0\r\n\r\n');
  });

  it('keeps a To tag the phone already set', () => {
    const tagged = { ...req, headers: req.headers.map((h) => (h.name === 'To' ? { ...h, value: `${h.value};tag=t1` } : h)) };
    expect(findHeader(buildPnpOk(tagged, LOCAL, source).headers, 'To')).toMatch(/;tag=t1$/);
  });

  it('sends the NOTIFY in the new dialog with its own branch and CSeq and the URL as body', () => {
    const url = pnpProfileUrl('http://10.77.0.1:8080/', read.subscribe);
    const notify = buildPnpNotify(req, read.subscribe, LOCAL, url);
    expect(notify.uri).toBe('sip:10.77.0.2:5060');
    expect(findHeader(notify.headers, 'Via')).toBe('SIP/2.0/UDP 10.77.0.1:5060;branch=z9hG4bKabc123;rport');
    expect(parseNameAddr(findHeader(notify.headers, 'From') ?? '')?.params.get('tag')).toBe('our-tag');
    expect(parseNameAddr(findHeader(notify.headers, 'To') ?? '')?.params.get('tag')).toBe('phone-tag');
    expect(findHeader(notify.headers, 'Call-ID')).toBe('call-1@10.77.0.2');
    expect(findHeader(notify.headers, 'CSeq')).toBe('1 NOTIFY');
    expect(findHeader(notify.headers, 'Event')).toBe(SNOM_EVENT);
    expect(findHeader(notify.headers, 'Subscription-State')).toBe('terminated;reason=timeout');
    expect(findHeader(notify.headers, 'Content-Type')).toBe('application/url');
    expect(notify.body).toBe('http://10.77.0.1:8080/snomD785-{mac}.htm');
    const wire = serializeSipMessage(notify).toString();
    expect(wire).toContain(`Content-Length: ${notify.body.length}\r\n\r\n${notify.body}`);
  });

  it('brackets an IPv6 local address in Via and Contact', () => {
    const notify = buildPnpNotify(req, read.subscribe, { ...LOCAL, host: 'fd00::1' }, 'http://x/');
    expect(findHeader(notify.headers, 'Via')).toContain('[fd00::1]:5060');
    expect(findHeader(notify.headers, 'Contact')).toBe('<sip:[fd00::1]:5060>');
  });
});

describe('responseTarget', () => {
  const source = { address: '10.77.0.2', port: 40000 };
  it('answers to the source port when Via asks for rport', () => {
    const req = subscribe({ uri: 'sip:MAC=00a859aabbcc@x', event: 'ua-profile' });
    expect(responseTarget(req, source)).toEqual(source);
  });
  it('answers to the Via sent-by port otherwise, 5060 when it has none', () => {
    expect(responseTarget(subscribe({ uri: 'sip:MAC=00a859aabbcc@x', event: 'ua-profile', via: 'SIP/2.0/UDP 10.77.0.2:5070;branch=z9hG4bK2' }), source)).toEqual({ address: '10.77.0.2', port: 5070 });
    expect(responseTarget(subscribe({ uri: 'sip:MAC=00a859aabbcc@x', event: 'ua-profile', via: 'SIP/2.0/UDP 10.77.0.2;branch=z9hG4bK2' }), source)).toEqual({ address: '10.77.0.2', port: 5060 });
  });
});
