import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { createSite, createUser, mac } from './helpers/fixtures.ts';
import { secretBoxOf } from '../../server/store/secret-box.ts';

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer();
});
afterEach(async () => {
  await api.close();
});

/** Every SIP secret and token hash stored, read straight from the database. */
function storedSecrets(): string[] {
  const secrets = api.db.prepare('SELECT secret FROM extensions').pluck().all() as string[];
  const hashes = api.db.prepare('SELECT hash FROM api_tokens').pluck().all() as string[];
  const agent = api.db.prepare('SELECT agent_token_hash FROM devices WHERE agent_token_hash IS NOT NULL').pluck().all() as string[];
  return [...secrets, ...hashes, ...agent];
}

describe('secrets stay out of API responses', () => {
  it('never shows a SIP secret or token hash in any read or write answer except secret:reveal', async () => {
    const site = await createSite(api);
    const user = await createUser(api, site.id);
    const texts: string[] = [];
    const record = async (method: string, path: string, body?: unknown) => {
      const res = await api.call(method, path, body);
      texts.push(JSON.stringify(res.body));
      return res;
    };
    await record('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId: site.id, userId: user.id });
    await record('POST', '/devices', { mac: mac(2), model: 'yealink/t54w', siteId: site.id, standalone: true });
    await record('POST', `/devices/${mac(2)}/agent-token`);
    await record('POST', '/extensions/201/secret:rotate');
    await record('PATCH', '/extensions/200', { displayName: 'Ana desk' });
    await record('POST', '/tokens', { name: 'ops', role: 'admin' });
    for (const path of ['/sites', '/users', '/devices', '/extensions', '/extensions/200', `/devices/${mac(1)}`, '/tokens', '/audit?limit=500']) {
      await record('GET', path);
    }
    const secrets = storedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const text of texts) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      // Audit snapshots keep the key, masked.
      expect(text).not.toMatch(/"secret"\s*:\s*"(?!\*\*\*")/);
    }
  });

  it('reveals a secret to a super-admin, audited, and rotation changes it', async () => {
    const site = await createSite(api);
    await createUser(api, site.id);
    const first = await api.call('POST', '/extensions/200/secret:reveal');
    expect(first.status).toBe(200);
    expect(first.body.secret).toMatch(/^[A-Za-z0-9]{24}$/);
    // Stored sealed (server/store/secret-box.ts): opened with the database's key it is the same secret.
    const stored = api.db.prepare('SELECT secret FROM extensions WHERE number = 200').pluck().get() as string;
    expect(secretBoxOf(api.db).open(stored)).toBe(first.body.secret);

    const rotated = await api.call('POST', '/extensions/200/secret:rotate');
    expect(rotated.status).toBe(200);
    const second = await api.call('POST', '/extensions/200/secret:reveal');
    expect(second.body.secret).not.toBe(first.body.secret);

    const audit = await api.call('GET', '/audit?entity=extension:200');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'extension.secret.reveal',
      'extension.secret.rotate',
      'extension.secret.reveal',
    ]);
    const rotate = audit.body.items[1];
    expect(rotate.before.secret).toBe('***');
    expect(rotate.after.secret).toBe('***');
  });

  it('returns a created API token once, stores only its hash, and refuses it after revocation', async () => {
    const created = await api.call('POST', '/tokens', { name: 'ops', role: 'admin' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(JSON.stringify((await api.call('GET', '/tokens')).body)).not.toContain(token);
    expect(JSON.stringify(api.db.prepare('SELECT * FROM api_tokens').all())).not.toContain(token);

    expect((await api.call('GET', '/devices', undefined, { token })).status).toBe(200);
    expect((await api.call('DELETE', `/tokens/${created.body.id}`)).status).toBe(200);
    const after = await api.call('GET', '/devices', undefined, { token });
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
  });
});
