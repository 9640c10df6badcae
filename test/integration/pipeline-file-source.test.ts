import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

const MAC = '44dbd2010203';
let server: PhoneServer;

beforeEach(async () => {
  server = await startPhoneServer({ ban: { maxMisses: 3, windowMs: 60_000, banMs: 60_000 } });
  const ids = await seed(server, { networks: ['127.0.0.0/8'] });
  await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
});
afterEach(async () => {
  await server.close();
});

describe('TFTP file source over the phone pipeline', () => {
  it('serves a shared file as a buffer to a source on a site network, IPv4-mapped or not', async () => {
    const plain = await server.front.tftpSource.open('y000000000000.boot', { address: '127.0.0.9', port: 1069 });
    const mapped = await server.front.tftpSource.open('y000000000000.boot', { address: '::ffff:127.0.0.9', port: 1069 });
    expect(plain.kind).toBe('buffer');
    expect(mapped).toEqual(plain);
  });

  it('stays silent for a source outside every site network (no amplification)', async () => {
    expect(await server.front.tftpSource.open(`${MAC}.cfg`, { address: '192.0.2.7', port: 1069 })).toEqual({ kind: 'error', code: 'FORBIDDEN', silent: true });
  });

  it('answers not found for unknown MACs and bans the source after N of them, for TFTP and HTTP alike', async () => {
    for (const suffix of ['000001', '000002', '000003']) {
      expect(await server.front.tftpSource.open(`44dbd2${suffix}.cfg`, { address: '127.0.0.1', port: 1069 })).toEqual({ kind: 'error', code: 'NOT_FOUND' });
    }
    expect(server.front.tftpIsBanned('::ffff:127.0.0.1')).toBe(true);
    expect(await server.front.tftpSource.open('y000000000000.boot', { address: '127.0.0.1', port: 1069 })).toEqual({ kind: 'error', code: 'RATE_LIMITED', silent: true });
    expect((await fetch(`${server.root}y000000000000.boot`)).status).toBe(429);
    expect(server.logs.filter((l) => l.event === 'deskprov.phone.ban')).toHaveLength(1);
  });
});
