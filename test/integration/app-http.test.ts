import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type AppPlugin } from '../../server/http/app.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { testConfig } from './helpers/test-config.ts';

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer();
});
afterEach(async () => {
  await api.close();
});

const origin = () => api.baseUrl.replace(/\/api\/v1$/, '');
const SITE = {
  name: 'Lyon',
  timezone: 'Europe/Paris',
  networks: ['10.2.0.0/16'],
  extensionRange: { first: 300, last: 399 },
  registrar: { host: 'pbx.example.com' },
};

async function tokenFor(role: 'admin' | 'installer' | 'super-admin', siteId?: string): Promise<{ id: string; token: string }> {
  const created = await api.call('POST', '/tokens', { name: `${role} token`, role, ...(siteId ? { siteId } : {}) });
  expect(created.status).toBe(201);
  return created.body;
}

describe('health and documents', () => {
  it('answers /healthz without a token', async () => {
    const res = await fetch(`${origin()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3 document of the admin API without a token', async () => {
    const res = await fetch(`${api.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/sites', '/api/v1/devices/{mac}', '/api/v1/import']));
    expect(Object.keys(doc.paths)).not.toContain('/healthz');
    expect(Object.keys(doc.paths)).not.toContain('/api/v1/openapi.json');
    expect(doc.components).toHaveProperty('securitySchemes.bearer');
  });

  it('sends helmet security headers on every answer, errors included', async () => {
    for (const path of ['/healthz', '/api/v1/sites', '/no-such-route/x']) {
      const res = await fetch(`${origin()}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), path).toMatch(/^default-src 'self';.*object-src 'none'/);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });
});

describe('bad requests answer in the contract error shape', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await api.call('GET', '/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/no-such-thing' } });
  });

  it('answers invalid JSON with 400 INVALID_JSON and an empty JSON body likewise', async () => {
    const broken = await api.call('POST', '/sites', undefined, { raw: '{"name": "x",' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    const empty = await api.call('POST', '/sites', undefined, { raw: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('INVALID_JSON');
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...SITE, name: 'x'.repeat(2 * 1024 * 1024) });
    const res = await api.call('POST', '/sites', undefined, { raw: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv']) {
      const res = await api.call('POST', '/sites', undefined, { raw: 'name=x', headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('names the field of a schema violation: unknown, missing, wrong type, nested', async () => {
    const unknown = await api.call('POST', '/sites', { ...SITE, colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'colour' });

    const { timezone: _tz, ...withoutTimezone } = SITE;
    const missing = await api.call('POST', '/sites', withoutTimezone);
    expect(missing.body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'timezone' });

    const wrongType = await api.call('POST', '/sites', { ...SITE, name: 42 });
    expect(wrongType.body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'name' });

    const nested = await api.call('POST', '/sites', { ...SITE, extensionRange: { first: '300', last: 399 } });
    expect(nested.body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'extensionRange.first' });
  });

  it('does not coerce body types but does convert query strings', async () => {
    const coerced = await api.call('POST', '/sites', { ...SITE, extensionRange: { first: 300, last: '399' } });
    expect(coerced.status).toBe(400);
    const paged = await api.call('GET', '/sites?limit=5&offset=0');
    expect(paged.status).toBe(200);
    const badQuery = await api.call('GET', '/sites?limit=many');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'limit' });
  });

  it('asks for a body when a POST has none', async () => {
    const res = await fetch(`${api.baseUrl}/sites`, { method: 'POST', headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});

describe('authentication and roles', () => {
  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const res = await api.call('GET', '/sites', undefined, { token: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="deskprov"');
  });

  it('refuses an unknown token, a malformed header and a revoked token with 401', async () => {
    const unknown = await api.call('GET', '/sites', undefined, { token: 'dpt_not-a-real-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="deskprov", error="invalid_token"');

    const basic = await api.call('GET', '/sites', undefined, { token: null, headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);

    const admin = await tokenFor('admin');
    expect((await api.call('GET', '/sites', undefined, { token: admin.token })).status).toBe(200);
    expect((await api.call('DELETE', `/tokens/${admin.id}`)).status).toBe(200);
    const revoked = await api.call('GET', '/sites', undefined, { token: admin.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('UNAUTHORIZED');
  });

  it('checks the token before reading the body', async () => {
    const res = await api.call('POST', '/sites', undefined, { token: null, raw: '{broken' });
    expect(res.status).toBe(401);
  });

  it('refuses a role below the route minimum with 403 FORBIDDEN', async () => {
    const site = await api.call('POST', '/sites', SITE);
    const installer = await tokenFor('installer', site.body.id);
    expect((await api.call('GET', '/sites', undefined, { token: installer.token })).status).toBe(200);
    const write = await api.call('POST', '/sites', { ...SITE, name: 'Other' }, { token: installer.token });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('FORBIDDEN');

    const admin = await tokenFor('admin');
    const tokens = await api.call('POST', '/tokens', { name: 'x', role: 'admin' }, { token: admin.token });
    expect(tokens.status).toBe(403);
  });
});

describe('extra plugins', () => {
  it('registers front-end plugins at the root with the same auth and error handling', async () => {
    const catalog = readCatalog(join(import.meta.dirname, '..', '..', 'firmware-profiles'));
    const config = testConfig(api.dir);
    const phoneFiles: AppPlugin = async (app, options) => {
      app.get('/y000000000000.boot', async () => `#!version:1.0.0.1\n# ${options.config.publicUrl}`);
      app.post('/api/v1/agent/ping', { config: { auth: 'device' } }, async (request) => ({ mac: request.device?.mac }));
    };
    const app = await buildApp({ config, services: api.services, catalog, extraPlugins: [phoneFiles] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const file = await fetch(`${base}/y000000000000.boot`);
      expect(file.status).toBe(200);
      expect(await file.text()).toContain('http://127.0.0.1/');
      const agent = await fetch(`${base}/api/v1/agent/ping`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(agent.status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
