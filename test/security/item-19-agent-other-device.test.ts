import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../integration/helpers/api-server.ts';
import { contentDigest, createSite } from '../integration/helpers/fixtures.ts';

/** E911-SECURITY §2.5 item 19: an agent posts a location or SIP status for another device → 403. */

const MAC_A = '00:15:65:aa:bb:01';
const MAC_B = '00:15:65:aa:bb:02';

let api: ApiServer;
let siteId: string;
beforeEach(async () => {
  api = await startApiServer();
  siteId = (await createSite(api)).id;
});
afterEach(async () => {
  await api.close();
});

async function agentToken(mac: string): Promise<string> {
  expect((await api.call('POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true })).status).toBe(201);
  const token = await api.call('POST', `/devices/${mac}/agent-token`);
  expect(token.status).toBe(200);
  return token.body.token as string;
}

const report = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  at: '2026-01-01T10:00:00Z',
  sip: { registered: true },
  network: { ip: '10.1.2.3/24', lldp: { chassisId: { type: 'mac', value: '00:00:5e:00:53:01' }, portId: { type: 'ifname', value: 'Gi1/0/9' } } },
  ...extra,
});

describe("item 19: reports for another device", () => {
  it("refuse A's token reporting for B with 403 and write nothing; B's own token is accepted", async () => {
    const tokenA = await agentToken(MAC_A);
    const tokenB = await agentToken(MAC_B);
    const before = contentDigest(api.db);
    const forged = await api.call('POST', '/agent/reports', report('f1', { mac: MAC_B }), { token: tokenA });
    expect(forged.status).toBe(403);
    expect(contentDigest(api.db)).toBe(before);
    const own = await api.call('POST', '/agent/reports', report('o1', { mac: MAC_B }), { token: tokenB });
    expect(own.status).toBe(202);
  });

  it('refuses an event URL whose key belongs to another device', async () => {
    const tokenA = await agentToken(MAC_A);
    await agentToken(MAC_B);
    const res = await fetch(`${api.baseUrl}/events/${tokenA}/registered?mac=001565aabb02`);
    expect(res.status).toBe(403);
  });
});
