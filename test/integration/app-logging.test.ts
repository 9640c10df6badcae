import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/http/app.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { createLogger } from '../../server/logger.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { adminApi } from './helpers/admin-api.ts';
import { LOOPBACK_SITE } from './helpers/served-server.ts';
import { testConfig } from './helpers/test-config.ts';
import { captureLog } from '../helpers/log-capture.ts';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function loggedServer(): Promise<{ base: string; token: string; lines: string[]; app: App; db: Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-log-'));
  const db = openDatabase(join(dir, 'deskprov.db'));
  const catalog = readCatalog(join(import.meta.dirname, '..', '..', 'firmware-profiles'));
  const services = createServices({ db, catalog });
  const { token } = services.tokens.ensureBootstrap();
  const { lines, destination } = captureLog();
  const config = testConfig(dir, { logLevel: 'trace' });
  const app = await buildApp({ config, services, catalog, logger: createLogger({ level: 'trace', destination }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => {
      db.close();
    },
    () => app.close(),
  );
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`, token: token ?? '', lines, app, db };
}

describe('request logs', () => {
  it('never carry the Bearer token, a created token or a secret sent in a body', async () => {
    const server = await loggedServer();
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.base}/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'ci', role: 'admin' }) });
    const newToken = ((await created.json()) as { token: string }).token;
    // A refused body carrying a secret: validation errors must not echo it into the log.
    await fetch(`${server.base}/sites`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${newToken}` },
      body: JSON.stringify({ name: 'x', secret: 'sip-secret-value-123', password: 'pw-value-456' }),
    });
    await fetch(`${server.base}/sites?token=query-token-789`, { headers: { authorization: `Bearer ${newToken}` } });
    await server.app.close();

    const output = server.lines.join('\n');
    expect(server.lines.length).toBeGreaterThan(4);
    for (const secret of [server.token, newToken, 'sip-secret-value-123', 'pw-value-456', 'query-token-789']) {
      expect(output).not.toContain(secret);
    }
    const incoming = server.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'incoming request');
    expect(incoming.every((entry) => entry.req.headers.authorization === '[redacted]')).toBe(true);
  });
});

describe('agent report logs', () => {
  it('write one line per report with the status sent, and never the device token', async () => {
    const server = await loggedServer();
    const root = server.base.replace(/api\/v1$/, '');
    const call = (method: string, path: string, body: unknown, token = server.token) => adminApi(root, token, method, path, body);
    const site = await call('POST', '/sites', LOOPBACK_SITE);
    expect(site.status).toBe(201);
    const mac = '805ec0aabb01';
    expect((await call('POST', '/devices', { mac, model: 'yealink/t54w', siteId: site.body.id, standalone: true })).status).toBe(201);
    const issued = await call('POST', `/devices/${mac}/agent-token`, {});
    const deviceToken = String(issued.body.token);
    const report = { id: 'r1', at: '2026-01-01T10:00:00Z', sip: { registered: true } };
    expect((await call('POST', '/agent/reports', report, deviceToken)).status).toBe(202);
    expect((await call('POST', '/agent/reports', report, 'not-a-device-token-0000000000')).status).toBe(401);
    await server.app.close();

    const entries = server.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const reports = entries.filter((entry) => JSON.stringify(entry).includes('/agent/reports') || entry.msg === 'agent report');
    expect(reports.map((entry) => [entry.msg, entry.status, entry.mac])).toEqual([
      ['agent report', 202, mac],
      ['agent report', 401, null],
    ]);
    // Each line names its request, as fastify's own request lines do.
    expect(reports.every((entry) => typeof entry.reqId === 'string' && entry.reqId.length > 0)).toBe(true);
    expect(server.lines.join('\n')).not.toContain(deviceToken);
  });
});
