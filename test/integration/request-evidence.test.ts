import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTftpServer } from '../../server/tftp/tftp-server.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { RawTftpClient } from './helpers/tftp-raw-client.ts';

const MAC = '44dbd2010203';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';
const ADDRESS = { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' };

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;

async function ok<T = any>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await server.api(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as T;
}

const locationAudits = () =>
  server.db.prepare("SELECT actor_name, after FROM audit_events WHERE action = 'device.location' AND entity_id = ? ORDER BY seq").all(MAC) as Array<{ actor_name: string; after: string }>;

beforeEach(async () => {
  server = await startPhoneServer();
  ids = await seed(server);
  await ok('POST', '/numbers', { e164: '+13125550100', region: 'US' }, 201);
  await ok('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId }, 201);
});
afterEach(async () => {
  await server.close();
});

describe('locating a phone by the address of its own requests', () => {
  it('resolves a phone with no agent and no switch to the mapped subnet it fetched its config from', async () => {
    const loc = await ok('POST', '/locations', { siteId: ids.siteId, name: 'Loopback floor', address: ADDRESS, place: { FLR: '1' }, callbackNumber: '+13125550100' }, 201);
    await ok('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '127.0.0.0/8' }, 201);
    expect((await ok('GET', `/devices/${MAC}/status`)).location).toBeNull();

    const res = await fetch(`${server.root}${MAC}.cfg`, { headers: { 'user-agent': UA } });
    expect(res.status).toBe(200);
    server.front.phone.flush();

    const status = await ok('GET', `/devices/${MAC}/status`);
    expect(status.location).toMatchObject({ id: loc.id, matchedBy: 'subnet', locatedBy: { source: 'request', origin: 'fetch' } });
    const evidence = await ok('GET', `/devices/${MAC}/location-evidence`);
    expect(evidence.pieces).toEqual([{ source: 'request', at: expect.any(String), origin: 'fetch', network: { ip: '127.0.0.1' } }]);
    expect(evidence.locatedBy).toMatchObject({ source: 'request' });

    // The sweep stores the new resolution and audits it once.
    expect(server.services.switches.sweep()).toEqual([MAC]);
    expect(server.services.switches.sweep()).toEqual([]);
    const audits = locationAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.actor_name).toBe('location evidence');
    expect(JSON.parse(audits[0]!.after)).toMatchObject({ locationId: loc.id, matchedBy: 'subnet', locatedBy: { source: 'request' } });
  });

  it('takes the source address of a TFTP config fetch as request evidence', async () => {
    const loc = await ok('POST', '/locations', { siteId: ids.siteId, name: 'Loopback floor', address: ADDRESS, callbackNumber: '+13125550100' }, 201);
    await ok('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '127.0.0.0/8' }, 201);
    const quiet = { debug() {}, info() {}, warn() {} };
    const tftp = await startTftpServer({ host: '127.0.0.1', port: 0, source: server.front.tftpSource, isBanned: server.front.tftpIsBanned, logger: quiet });
    const client = await RawTftpClient.open();
    try {
      const got = await client.fetch(tftp.address().port, `${MAC}.cfg`);
      expect(got.data.toString()).toContain('pbx.example.com');
    } finally {
      await client.close();
      await tftp.close();
    }
    server.front.phone.flush();
    const status = await ok('GET', `/devices/${MAC}/status`);
    expect(status.location).toMatchObject({ id: loc.id, matchedBy: 'subnet', locatedBy: { source: 'request', origin: 'fetch' } });
  });

  it('takes the source address of an action-URL event as request evidence and re-resolves at once', async () => {
    const loc = await ok('POST', '/locations', { siteId: ids.siteId, name: 'Loopback floor', address: ADDRESS, callbackNumber: '+13125550100' }, 201);
    await ok('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '127.0.0.0/8' }, 201);
    const { token } = await ok('POST', `/devices/${MAC}/agent-token`);
    const res = await fetch(`${server.root}api/v1/events/${token}/registered`);
    expect(res.status).toBe(204);
    const evidence = await ok('GET', `/devices/${MAC}/location-evidence`);
    expect(evidence.pieces).toEqual([{ source: 'request', at: expect.any(String), origin: 'event', network: { ip: '127.0.0.1' } }]);
    expect(evidence.resolution).toMatchObject({ locationId: loc.id, matchedBy: 'subnet' });
    expect(locationAudits()).toHaveLength(1);
  });

  it('stops counting a request address once it is older than a week', async () => {
    const loc = await ok('POST', '/locations', { siteId: ids.siteId, name: 'Loopback floor', address: ADDRESS, callbackNumber: '+13125550100' }, 201);
    await ok('POST', '/network-map', { locationId: loc.id, kind: 'subnet', cidr: '127.0.0.0/8' }, 201);
    expect((await fetch(`${server.root}${MAC}.cfg`, { headers: { 'user-agent': UA } })).status).toBe(200);
    server.front.phone.flush();
    expect((await ok('GET', `/devices/${MAC}/status`)).location?.matchedBy).toBe('subnet');
    expect(server.services.switches.sweep()).toEqual([MAC]);
    server.advance(8 * 24 * 3600_000);
    expect((await ok('GET', `/devices/${MAC}/status`)).location).toBeNull();
    // The sweep looks only at evidence that changed or aged out since the last one, and finds this.
    expect(server.services.switches.sweep()).toEqual([MAC]);
    expect(server.services.switches.sweep()).toEqual([]);
    expect(JSON.parse(locationAudits().at(-1)!.after)).toMatchObject({ locationId: null });
  });
});
