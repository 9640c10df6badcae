import { describe, expect, it } from 'vitest';
import {
  buildRegister,
  digestResponse,
  parseChallenge,
  parseSipResponse,
  sipStateOf,
} from '../../../agent/sip-register-probe.ts';

describe('SIP registration probe messages', () => {
  it('computes the RFC 2617 §3.5 example digest', () => {
    expect(
      digestResponse({
        method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life',
        realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('reads a digest challenge with quoted and bare values', () => {
    expect(parseChallenge('Digest realm="pbx, main", nonce="abc", qop="auth,auth-int", algorithm=MD5')).toEqual({
      realm: 'pbx, main', nonce: 'abc', qop: 'auth,auth-int', algorithm: 'MD5',
    });
  });

  it('builds a REGISTER without Contact, so the registrar only lists bindings (RFC 3261 §10.2.3)', () => {
    const msg = buildRegister({ aor: 'sip:201@pbx.example.com', localHost: '10.1.2.3', localPort: 5070, callId: 'c1', cseq: 2, fromTag: 't', branch: 'b1', authorization: 'Digest x' });
    expect(msg.startsWith('REGISTER sip:pbx.example.com SIP/2.0\r\n')).toBe(true);
    expect(msg).toContain('Via: SIP/2.0/UDP 10.1.2.3:5070;branch=z9hG4bKb1;rport\r\n');
    expect(msg).toContain('CSeq: 2 REGISTER\r\n');
    expect(msg).toContain('Authorization: Digest x\r\n');
    expect(msg).not.toMatch(/^Contact:/im);
    expect(msg.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('parses compact, folded and multi-binding headers of a response', () => {
    const res = parseSipResponse('SIP/2.0 200 OK\r\nm: <sip:201@192.0.2.5>;expires=60, "A, B" <sip:201@192.0.2.6>\r\nContact: <sip:201@192.0.2.7>\r\nX-Long: one\r\n two\r\n\r\n');
    expect(res?.status).toBe(200);
    expect(res?.headers.get('contact')).toEqual(['<sip:201@192.0.2.5>;expires=60', '"A, B" <sip:201@192.0.2.6>', '<sip:201@192.0.2.7>']);
    expect(res?.headers.get('x-long')).toEqual(['one two']);
    expect(parseSipResponse('REGISTER sip:x SIP/2.0\r\n\r\n')).toBeNull();
  });

  it('says registered only when the registrar lists a binding', () => {
    const ok = parseSipResponse('SIP/2.0 200 OK\r\nContact: <sip:201@192.0.2.5>\r\n\r\n')!;
    const none = parseSipResponse('SIP/2.0 200 OK\r\n\r\n')!;
    const denied = parseSipResponse('SIP/2.0 403 Forbidden\r\n\r\n')!;
    expect(sipStateOf(ok, 'pbx:5060')).toEqual({ registered: true, registrar: 'pbx:5060' });
    expect(sipStateOf(none, 'pbx:5060')).toMatchObject({ registered: false, lastError: 'the registrar has no binding for this line' });
    expect(sipStateOf(denied, 'pbx:5060')).toMatchObject({ registered: false, lastError: 'registrar answered 403 Forbidden' });
  });
});
