import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../server/provisioning/types.ts';
import { createServices, type Services } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';

const NO_MODELS: Catalog = { get: () => undefined, all: () => [], closeMatches: () => [], revision: 'empty' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
let db: Database;
let services: Services;

beforeEach(() => {
  db = openDatabase(':memory:');
  services = createServices({ db, catalog: NO_MODELS, now: () => new Date('2026-03-01T09:00:00Z') });
});
afterEach(() => {
  db.close();
});

describe('the first-start super-admin token', () => {
  it('is generated once, returned once and stored only as its hash', () => {
    const { token } = services.tokens.ensureBootstrap();
    expect(token).toMatch(/^dpt_[A-Za-z0-9_-]{43}$/);
    expect(services.tokens.ensureBootstrap()).toEqual({ token: null });
    const rows = db.prepare('SELECT * FROM api_tokens').all() as { hash: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toBe(sha(token as string));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(services.tokens.verify(token as string)).toMatchObject({ role: 'super-admin', siteId: null, userId: null });
  });

  it('takes DESKPROV_ADMIN_TOKEN when given and does not echo it', () => {
    const env = 'correct-horse-battery-staple-42';
    expect(services.tokens.ensureBootstrap(env)).toEqual({ token: null });
    expect(services.tokens.verify(env)?.role).toBe('super-admin');
  });

  it('rotates to a different DESKPROV_ADMIN_TOKEN on a later start, audited', () => {
    const { token } = services.tokens.ensureBootstrap();
    const env = 'a-new-admin-token-from-the-environment';
    services.tokens.ensureBootstrap(env);
    expect(services.tokens.verify(token as string)).toBeNull();
    expect(services.tokens.verify(env)?.role).toBe('super-admin');
    const actions = services.audit.list({ entityType: 'token' }, { limit: 10, offset: 0 }).items.map((e) => e.action);
    expect(actions).toEqual(['token.rotate', 'token.create']);
    // The same value again changes nothing.
    services.tokens.ensureBootstrap(env);
    expect(services.audit.list({ entityType: 'token' }, { limit: 10, offset: 0 }).total).toBe(2);
  });

  it('refuses a short DESKPROV_ADMIN_TOKEN', () => {
    expect(() => services.tokens.ensureBootstrap('short')).toThrow(expect.objectContaining({ field: 'DESKPROV_ADMIN_TOKEN' }));
    expect(db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(0);
  });

  it('verifies nothing for unknown tokens', () => {
    services.tokens.ensureBootstrap();
    expect(services.tokens.verify('dpt_unknown')).toBeNull();
    expect(services.tokens.verifyDevice('dpa_unknown')).toBeNull();
  });
});

describe('recording discovered phones', () => {
  it('adds an unknown phone as discovered, or awaiting-claim when it called from a site network, and updates last seen', () => {
    const admin = services.tokens.ensureBootstrap().token as string;
    const actor = services.tokens.verify(admin)!;
    const site = services.sites.create(actor, {
      name: 'HQ',
      timezone: 'UTC',
      networks: ['10.1.0.0/16'],
      extensionRange: { first: 1, last: 9 },
      registrar: { host: 'pbx' },
    });
    const at = new Date('2026-03-01T10:00:00Z');
    const outside = services.devices.recordDiscovered({ mac: '00:15:65:00:00:01', modelId: 'yealink/t54w', ip: '192.0.2.1', ua: 'UA', firmware: '1', now: at });
    expect(outside).toMatchObject({ state: 'discovered', siteId: null, binding: null });
    const inside = services.devices.recordDiscovered({ mac: '001565000002', modelId: 'yealink/t54w', ip: '10.1.9.9', ua: 'UA', firmware: '1', now: at });
    expect(inside).toMatchObject({ state: 'awaiting-claim', siteId: site.id });

    db.prepare("UPDATE devices SET last_file = 'x.cfg', last_served_revision = 3 WHERE mac = '001565000002'").run();
    const later = new Date('2026-03-01T11:00:00Z');
    const again = services.devices.recordDiscovered({ mac: '001565000002', modelId: 'yealink/t54w', ip: '10.1.9.10', ua: 'UA2', firmware: '2', now: later });
    expect(again.lastSeen).toEqual({
      at: later.toISOString(),
      ip: '10.1.9.10',
      userAgent: 'UA2',
      firmware: '2',
      file: 'x.cfg',
      servedRevision: 3,
    });
    expect(again.id).toBe(inside.id);
  });
});
