import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

/**
 * Whatever a client sends (name, User-Agent, Authorization, address, transport), the pipeline
 * answers without throwing, with one of its statuses, and only a 200 ever carries a device's
 * secrets. Real SQLite, the real pipeline, called in-process so thousands of cases stay fast.
 */

const MAC = '44dbd2010203';
let server: PhoneServer;
let secrets: string[];

beforeAll(async () => {
  server = await startPhoneServer({ ban: { maxMisses: 1_000_000 } });
  const ids = await seed(server);
  await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
  const first = server.front.phone.fetch({ path: `${MAC}.cfg`, ip: '127.0.0.1', transport: 'http' });
  const text = first.body?.toString() ?? '';
  secrets = [...text.matchAll(/password = (\S+)/g)].map((m) => m[1] ?? '').filter((s) => s.length >= 16);
  expect(secrets.length).toBe(2);
  server.advance(11 * 60_000);
});
afterAll(async () => {
  await server.close();
});

const nameArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom(`${MAC}.cfg`, `${MAC.toUpperCase()}.cfg`, `${MAC}.boot`, 'y000000000000.boot', '../etc/passwd', `SEP${MAC.toUpperCase()}.cnf.xml`, `${MAC}-app.log`),
  fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 12, maxLength: 12 }), fc.constantFrom('.cfg', '.boot', '-sip.cfg', '.xml')).map(([h, ext]) => `${h}${ext}`),
);
const authArb = fc.option(
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string().map((s) => `Digest ${s}`),
    fc.tuple(fc.string(), fc.string()).map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`),
    fc.constant(`Digest username="${MAC}", realm="deskprov", nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", uri="/${MAC}.cfg", response="00", qop=auth, nc=1, cnonce="x"`),
  ),
  { nil: undefined },
);
const ipArb = fc.oneof(fc.constant('127.0.0.1'), fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 }));

describe('phone pipeline under arbitrary input', () => {
  it('never throws, answers with a known status, and only a served file carries secrets', () => {
    fc.assert(
      fc.property(nameArb, fc.option(fc.string({ maxLength: 600 }), { nil: undefined }), authArb, ipArb, fc.constantFrom('http', 'https', 'tftp'), (path, userAgent, authorization, ip, transport) => {
        const result = server.front.phone.fetch({ path, userAgent, authorization, ip, transport: transport as 'http' | 'https' | 'tftp', method: 'GET' });
        expect([200, 401, 403, 404, 429]).toContain(result.status);
        const body = result.body?.toString() ?? '';
        if (result.status !== 200) for (const secret of secrets) expect(body).not.toContain(secret);
        if (result.status === 200 && (transport !== 'http' && transport !== 'https')) {
          for (const secret of secrets) expect(body).not.toContain(secret);
        }
        const logged = JSON.stringify(result.logEvent);
        for (const secret of secrets) expect(logged).not.toContain(secret);
      }),
      { numRuns: 3_000 },
    );
  });
});
