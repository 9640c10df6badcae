import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lowestFree } from '../../server/domain/extension.ts';
import type { Device } from '../../server/domain/device.ts';
import type { Extension } from '../../server/domain/extension.ts';
import type { Site } from '../../server/domain/site.ts';
import type { User } from '../../server/domain/user.ts';
import type { SqlDatabase } from '../../server/store/sql-database.ts';
import type { Store } from '../../server/store/repositories.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';
import { sqliteSwitches } from '../../server/store/switch-repo.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';
import { STORE_ENGINES, withStoreEngines, type TestDatabase } from './helpers/store-engines.ts';

const AT = '2026-03-01T09:00:00.000Z';
const ALL = { limit: 100, offset: 0 };
const openTestDatabase = withStoreEngines();
let opened: TestDatabase;
let db: SqlDatabase;
let store: Store;

const site: Site = {
  id: 's1',
  name: 'HQ',
  timezone: 'Europe/Berlin',
  networks: ['10.1.0.0/16'],
  extensionRange: { first: 200, last: 299 },
  registrar: { host: 'pbx', port: 5061, transport: 'tls' },
  tftpSecrets: false,
  checkSync: { allowed: true },
  createdAt: AT,
  updatedAt: AT,
};
const ext = (number: number, kind: Extension['kind'] = 'user'): Extension => ({
  number,
  siteId: 's1',
  kind,
  authUser: String(number),
  secret: 'S3cretS3cretS3cretS3cret',
  displayName: `Ext ${number}`,
  outboundCallerId: null,
  voicemail: false,
  retainedUntil: null,
  createdAt: AT,
  updatedAt: AT,
});
const user: User = {
  id: 'u1',
  name: 'Ana 100%_',
  email: 'ana@example.com',
  role: 'user',
  siteId: 's1',
  licensed: true,
  extensionNumber: 200,
  createdAt: AT,
  updatedAt: AT,
};
const device = (id: string, mac: string, binding: Device['binding']): Device => ({
  id,
  mac,
  model: 'yealink/t54w',
  siteId: 's1',
  profileId: null,
  label: `Desk ${id}`,
  state: 'provisioned',
  binding,
  restorable: null,
  restoreUntil: null,
  configRevision: 1,
  agentTokenHash: null,
  lastSeen: null,
  createdAt: AT,
  updatedAt: AT,
});

// The same repository code and the same tests on both engines (P9).
describe.each(STORE_ENGINES)('on %s', (engine) => {
beforeEach(async () => {
  opened = await openTestDatabase(engine);
  db = opened.db;
  store = createSqliteStore(db);
  store.sites.insert(site);
  store.extensions.insert(ext(200));
  store.users.insert(user);
});
afterEach(() => {
  opened.close();
});

describe('repositories', () => {
  it('round-trips sites and finds overlapping ranges and references', () => {
    expect(store.sites.get('s1')).toEqual(site);
    expect(store.sites.list(ALL)).toEqual({ items: [site], total: 1 });
    expect(store.sites.overlapping(250, 260, null).map((s) => s.id)).toEqual(['s1']);
    expect(store.sites.overlapping(250, 260, 's1')).toEqual([]);
    expect(store.sites.isReferenced('s1')).toBe(true);
    store.sites.update({ ...site, name: 'HQ 2', tftpSecrets: true, checkSync: { allowed: false } });
    expect(store.sites.get('s1')).toMatchObject({ name: 'HQ 2', tftpSecrets: true, checkSync: { allowed: false } });
    const empty = { ...site, id: 's2', extensionRange: { first: 300, last: 399 } };
    store.sites.insert(empty);
    expect(store.sites.isReferenced('s2')).toBe(false);
    store.sites.delete('s2');
    expect(store.sites.get('s2')).toBeUndefined();
  });

  it('round-trips extensions, lists taken numbers and retention', () => {
    store.extensions.insert(ext(205, 'standalone'));
    expect(store.extensions.get(205)).toEqual(ext(205, 'standalone'));
    expect(store.extensions.takenInRange(200, 299)).toEqual([200, 205]);
    expect(store.extensions.list({ kind: 'standalone' }, ALL).items.map((e) => e.number)).toEqual([205]);
    expect(store.extensions.isInUse(200)).toBe(true);
    expect(store.extensions.isInUse(205)).toBe(false);
    store.extensions.update({ ...ext(205, 'standalone'), retainedUntil: AT });
    expect(store.extensions.retainedBefore('2026-03-02T00:00:00.000Z')).toEqual([205]);
    expect(store.extensions.retainedBefore('2026-02-01T00:00:00.000Z')).toEqual([]);
    store.extensions.delete(205);
    expect(store.extensions.get(205)).toBeUndefined();
  });

  it('round-trips users and searches by name or email with LIKE wildcards taken literally', () => {
    expect(store.users.get('u1')).toEqual(user);
    expect(store.users.getByEmail('ana@example.com')?.id).toBe('u1');
    expect(store.users.getByExtension(200)?.id).toBe('u1');
    expect(store.users.list({ q: '100%_' }, ALL).total).toBe(1);
    expect(store.users.list({ q: '1_0' }, ALL).total).toBe(0);
    expect(store.users.list({ q: 'EXAMPLE' }, ALL).total).toBe(1);
    expect(store.users.list({ siteId: 'other' }, ALL).total).toBe(0);
    store.users.update({ ...user, licensed: false });
    expect(store.users.get('u1')?.licensed).toBe(false);
    store.users.delete('u1');
    expect(store.users.get('u1')).toBeUndefined();
  });

  it('round-trips numbers and finds where they are caller IDs', () => {
    const n = { e164: '+4930123', region: 'DE', callerIdName: 'HQ', extensionNumber: 200, createdAt: AT, updatedAt: AT };
    store.numbers.insert(n);
    expect(store.numbers.get('+4930123')).toEqual(n);
    expect(store.numbers.list(ALL).total).toBe(1);
    store.extensions.update({ ...ext(200), outboundCallerId: '+4930123' });
    expect(store.numbers.usedAsCallerId('+4930123')).toEqual([200]);
    store.numbers.update({ ...n, callerIdName: null });
    expect(store.numbers.get('+4930123')?.callerIdName).toBeNull();
    store.extensions.update(ext(200));
    store.numbers.delete('+4930123');
    expect(store.numbers.get('+4930123')).toBeUndefined();
  });

  it('round-trips devices with bindings, retention, last-seen and filters', () => {
    const d1 = device('d1', '001565000001', { kind: 'user', userId: 'u1', extensionNumber: 200 });
    store.devices.insert(d1);
    expect(store.devices.get('d1')).toEqual(d1);
    expect(store.devices.getByMac('001565000001')?.id).toBe('d1');
    expect(store.devices.listForUser('u1').map((d) => d.id)).toEqual(['d1']);
    expect(store.devices.usingExtension(200).map((d) => d.id)).toEqual(['d1']);
    expect(store.devices.list({ state: 'provisioned', model: 'yealink/t54w', q: '0001' }, ALL).total).toBe(1);
    expect(store.devices.list({ q: 'desk d1' }, ALL).total).toBe(1);
    expect(store.devices.list({ state: 'retired' }, ALL).total).toBe(0);

    const unbound: Device = {
      ...d1,
      binding: null,
      restorable: { kind: 'user', userId: 'u1', extensionNumber: 200, configRevision: 1, reason: 'unlicensed' },
      restoreUntil: '2026-03-08T09:00:00.000Z',
      agentTokenHash: 'ab'.repeat(32),
      lastSeen: { at: AT, ip: '10.1.2.3', userAgent: 'Yealink', firmware: '96.86.0.1', file: 'x.cfg', servedRevision: 3 },
    };
    store.devices.update(unbound);
    expect(store.devices.get('d1')).toEqual(unbound);
    expect(store.devices.getByAgentTokenHash('ab'.repeat(32))?.id).toBe('d1');
    expect(store.devices.listForUser('u1').map((d) => d.id)).toEqual(['d1']);
    expect(store.devices.usingExtension(200).map((d) => d.id)).toEqual(['d1']);
    expect(store.devices.restoreExpired('2026-03-08T09:00:00.000Z').map((d) => d.id)).toEqual(['d1']);
    expect(store.devices.restoreExpired('2026-03-08T08:59:59.999Z')).toEqual([]);
    expect(store.devices.usingProfile('p')).toBe(0);
    store.devices.delete('d1');
    expect(store.devices.get('d1')).toBeUndefined();
  });

  it('refuses a device whose binding kind and extension disagree', () => {
    const bad = device('d2', '001565000002', null);
    expect(() => db.prepare("INSERT INTO devices (id, mac, model, state, binding_kind, created_at, updated_at) VALUES ('x', 'm', 'y', 'provisioned', 'user', 'a', 'a')").run()).toThrow(/check/i);
    store.devices.insert(bad);
    expect(store.devices.get('d2')?.binding).toBeNull();
  });

  it('round-trips profiles, tokens and audit events', () => {
    const p = { id: 'p1', name: 'base', parentId: null, settings: { language: 'de' }, revision: 1, createdAt: AT, updatedAt: AT };
    store.profiles.insert(p);
    store.profiles.insert({ ...p, id: 'p2', name: 'child', parentId: 'p1' });
    expect(store.profiles.get('p1')).toEqual(p);
    expect(store.profiles.getByName('child')?.parentId).toBe('p1');
    expect(store.profiles.children('p1')).toBe(1);
    expect(store.profiles.list(ALL).items.map((x) => x.name)).toEqual(['base', 'child']);
    store.profiles.update({ ...p, revision: 2 });
    expect(store.profiles.get('p1')?.revision).toBe(2);
    store.profiles.delete('p2');
    expect(store.profiles.get('p2')).toBeUndefined();

    const t = { id: 't1', name: 'root', role: 'super-admin' as const, userId: null, siteId: null, hash: 'h1', bootstrap: true, createdAt: AT, revokedAt: null };
    store.tokens.insert(t);
    expect(store.tokens.get('t1')).toEqual(t);
    expect(store.tokens.getByHash('h1')?.id).toBe('t1');
    expect(store.tokens.getBootstrap()?.id).toBe('t1');
    store.tokens.update({ ...t, revokedAt: AT });
    expect(store.tokens.getBootstrap()).toBeUndefined();
    expect(store.tokens.list(ALL).total).toBe(1);

    const e = store.audit.append({ at: AT, actorId: 't1', actorName: 'root', action: 'site.create', entityType: 'site', entityId: 's1', before: null, after: { name: 'HQ' } });
    store.audit.append({ ...e, at: '2026-03-02T00:00:00.000Z', action: 'site.update' });
    expect(store.audit.list({ entityType: 'site', entityId: 's1' }, ALL).items.map((x) => x.action)).toEqual(['site.update', 'site.create']);
    expect(store.audit.list({ since: '2026-03-01T12:00:00.000Z' }, ALL).total).toBe(1);
    expect(store.audit.list({ actorId: 't1', action: 'site.create' }, ALL).items[0]?.after).toEqual({ name: 'HQ' });
  });

  it('rolls back a failed transaction and keeps a failed nested step to itself', () => {
    expect(() =>
      store.transaction(() => {
        store.extensions.insert(ext(201));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.extensions.get(201)).toBeUndefined();
    store.transaction(() => {
      store.extensions.insert(ext(202));
      expect(() =>
        store.transaction(() => {
          store.extensions.insert(ext(203));
          throw new Error('inner');
        }),
      ).toThrow('inner');
    });
    expect(store.extensions.takenInRange(200, 299)).toEqual([200, 202]);
  });

  it('keeps one sweep mark for every instance: it moves forward only and answers where it stood', () => {
    const a = sqliteSwitches(db);
    const b = sqliteSwitches(db);
    expect(a.advanceSweep('2026-03-01T10:00:00.000Z', '2026-03-01T09:00:00.000Z')).toBe('2026-03-01T09:00:00.000Z');
    // Another instance's sweep starts where the first one stopped.
    expect(b.advanceSweep('2026-03-01T10:01:00.000Z', '2026-03-01T09:01:00.000Z')).toBe('2026-03-01T10:00:00.000Z');
    // A clock behind the others does not move the mark back.
    expect(a.advanceSweep('2026-03-01T09:30:00.000Z', '2026-03-01T08:30:00.000Z')).toBe('2026-03-01T10:01:00.000Z');
    expect(b.advanceSweep('2026-03-01T10:02:00.000Z', '2026-03-01T09:02:00.000Z')).toBe('2026-03-01T10:01:00.000Z');
  });

  it('records served files, rendering and rewriting the masked body only when the revision changes', () => {
    store.devices.insert(device('d1', '001565aabbcc', null));
    const phones = sqlitePhoneRepo(db);
    let rendered = 0;
    const record = (revision: string, at: string) => ({
      deviceId: 'd1', file: '001565aabbcc.cfg', revision, etag: `"${revision}"`, at, ip: '10.1.0.5', userAgent: 'Yealink SIP-T54W',
      firmware: null, transport: 'http' as const, configRevision: 1,
      maskedBody: () => {
        rendered += 1;
        return Buffer.from(`masked ${revision} \u0000\u00ff`, 'latin1');
      },
    });
    phones.recordServed([record('r1', AT)]);
    phones.recordServed([record('r1', '2026-03-01T09:05:00.000Z')]);
    expect(rendered).toBe(1);
    expect(phones.lastServed('d1', '001565aabbcc.cfg')).toMatchObject({ revision: 'r1', at: '2026-03-01T09:05:00.000Z', maskedBody: Buffer.from('masked r1 \u0000\u00ff', 'latin1') });
    phones.recordServed([record('r2', '2026-03-01T09:10:00.000Z')]);
    expect(rendered).toBe(2);
    expect(phones.servedFiles('d1').map((f) => [f.revision, f.maskedBody.toString('latin1')])).toEqual([['r2', 'masked r2 \u0000\u00ff']]);
    // The body goes with its served row, and that with its device.
    store.devices.delete('d1');
    expect(db.prepare('SELECT COUNT(*) FROM device_served_bodies').pluck().get()).toBe(0);
  });

  it('writes each device\'s last-seen columns from its last fetch in a batch, keeping the last firmware named', () => {
    store.devices.insert(device('d1', '001565aabbcc', null));
    store.devices.insert(device('d2', '001565aabbcd', null));
    const phones = sqlitePhoneRepo(db);
    const record = (deviceId: string, file: string, at: string, firmware: string | null) => ({
      deviceId, file, revision: 'r1', etag: '"r1"', at, ip: '10.1.0.5', userAgent: `UA ${at}`,
      firmware, transport: 'http' as const, configRevision: 3, maskedBody: () => Buffer.from('masked'),
    });
    phones.recordServed([
      record('d1', 'y000000000028.cfg', '2026-03-01T09:00:01.000Z', '28.1.0.1'),
      record('d2', '001565aabbcd.cfg', '2026-03-01T09:00:02.000Z', null),
      record('d1', '001565aabbcc.cfg', '2026-03-01T09:00:03.000Z', null),
    ]);
    expect(store.devices.get('d1')?.lastSeen).toEqual({
      at: '2026-03-01T09:00:03.000Z', ip: '10.1.0.5', userAgent: 'UA 2026-03-01T09:00:03.000Z', firmware: '28.1.0.1', file: '001565aabbcc.cfg', servedRevision: 3,
    });
    expect(store.devices.get('d2')?.lastSeen).toMatchObject({ at: '2026-03-01T09:00:02.000Z', file: '001565aabbcd.cfg', firmware: null });
    expect(phones.servedFiles('d1').map((f) => f.file)).toEqual(['001565aabbcc.cfg', 'y000000000028.cfg']);
  });

  it('pages listings with limit and offset and reports the total', () => {
    for (let n = 201; n <= 210; n++) store.extensions.insert(ext(n, 'standalone'));
    const page = store.extensions.list({}, { limit: 4, offset: 4 });
    expect(page.items.map((e) => e.number)).toEqual([204, 205, 206, 207]);
    expect(page.total).toBe(11);
  });
});

describe('constraint failures', () => {
  it('turns a foreign-key failure inside a transaction into CONFLICT, not an internal error', () => {
    expect(() => store.transaction(() => store.sites.delete('s1'))).toThrow(
      expect.objectContaining({ code: 'CONFLICT', statusCode: 409 }),
    );
    expect(store.sites.get('s1')).toBeDefined();
  });
});

describe('lowest free extension', () => {
  it('agrees with the domain rule for any set of taken numbers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 201, max: 240 }), { maxLength: 40 }), fc.integer({ min: 0, max: 45 }), (taken, span) => {
        store.transaction(() => {
          for (const n of taken) store.extensions.insert(ext(n, 'standalone'));
          const range = { first: 200 + (span % 3), last: 200 + span };
          const used = store.extensions.takenInRange(range.first, range.last);
          expect(store.extensions.lowestFree(range.first, range.last)).toBe(lowestFree(range, used));
          for (const n of taken) store.extensions.delete(n);
        });
      }),
      { numRuns: 200 },
    );
  });
});
});
