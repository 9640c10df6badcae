import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { contentDigest, createSite, mac } from './helpers/fixtures.ts';

let api: ApiServer;
let siteId: string;
beforeEach(async () => {
  api = await startApiServer();
  siteId = (await createSite(api, { extensionRange: { first: 1000, last: 1999 } })).id;
});
afterEach(async () => {
  await api.close();
});

/** 500 rows as the CLI sends them: a user, then that user's phone, 250 times (line 1 is the header). */
function rows(): Record<string, unknown>[] {
  return Array.from({ length: 250 }, (_, i) => [
    { line: 2 + 2 * i, kind: 'user', name: `User ${i}`, email: `u${i}@example.com`, siteId },
    { line: 3 + 2 * i, kind: 'device', mac: mac(i + 1), model: 'yealink/t54w', siteId, userEmail: `u${i}@example.com` },
  ]).flat();
}

describe('POST /import', () => {
  it('imports 500 good rows in one go', async () => {
    const res = await api.call('POST', '/import', { rows: rows() });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ imported: { users: 250, devices: 250 } });
    expect((await api.call('GET', '/devices?limit=1')).body.total).toBe(250);
    const device = await api.call('GET', `/devices/${mac(250)}`);
    expect(device.body.binding.extension.number).toBe(1249);
  });

  it('imports nothing when one row among 500 is bad, and names its line', async () => {
    const all = rows();
    all[301] = { ...all[301], mac: '00:15:65:zz:00:01' };
    const before = contentDigest(api.db);
    const res = await api.call('POST', '/import', { rows: all });
    expect([res.status, res.body.error.code]).toEqual([422, 'IMPORT_REJECTED']);
    expect(res.body.error.details.errors).toEqual([
      { line: 303, code: 'INVALID_MAC', field: 'mac', message: expect.any(String) },
    ]);
    expect(contentDigest(api.db)).toBe(before);
  });

  it('reports every bad row, including ones that clash with earlier rows of the same file', async () => {
    const all = rows().slice(0, 6);
    all.push({ line: 8, kind: 'user', name: 'Dup', email: 'U0@example.com', siteId });
    all.push({ line: 9, kind: 'device', mac: mac(1), model: 'yealink/t54w', siteId, standalone: true });
    all.push({ line: 10, kind: 'device', mac: mac(77), model: 'yealink/t5', siteId, standalone: true });
    all.push({ line: 11, kind: 'device', mac: mac(78), model: 'yealink/t54w', siteId, userEmail: 'nobody@example.com' });
    const before = contentDigest(api.db);
    const res = await api.call('POST', '/import', { rows: all });
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [8, 'DUPLICATE_EMAIL'],
      [9, 'DUPLICATE_MAC'],
      [10, 'UNKNOWN_MODEL'],
      [11, 'UNKNOWN_REFERENCE'],
    ]);
    expect(res.body.error.details.errors[2].details.closeMatches).toContain('yealink/t54w');
    expect(contentDigest(api.db)).toBe(before);
  });

  it('refuses a row of the wrong shape as a whole request, naming the row', async () => {
    const res = await api.call('POST', '/import', { rows: [{ line: 2, kind: 'user', name: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toMatch(/^rows\.0/);
  });
});
