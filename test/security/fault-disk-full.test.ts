import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { MAC, UA } from './helpers/secure-server.ts';
import { servedConfig } from '../integration/helpers/test-config.ts';

/**
 * P8 fault "disk full": the data folder on a small tmpfs (this test mounts it; it runs as root)
 * filled to the last byte. Admin writes fail with 507 STORAGE_FULL, phones are still served,
 * nothing acknowledged is lost, the database stays intact, and writes work again once space is freed.
 */

const ADMIN = 'disk-full-admin-token-0123456789';
let mount: string;
let server: RunningServer | null = null;

beforeEach(() => {
  mount = mkdtempSync(join(tmpdir(), 'deskprov-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]);
});
afterEach(async () => {
  await server?.close();
  server = null;
  execFileSync('umount', [mount]);
  rmSync(mount, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(`api/v1${path}`, server?.httpUrl), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

async function phoneGet(): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(new URL(`${MAC}.cfg`, server?.httpUrl), { headers: { 'user-agent': UA } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** Writes filler until the file system refuses; returns the filler's path. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  // Then the last bytes, so not even one page fits.
  try {
    for (;;) writeSync(fd, Buffer.alloc(512, 1));
  } catch {
    // full
  }
  closeSync(fd);
  return file;
}

describe('fault: disk full', () => {
  it('refuses writes with 507, keeps serving phones, loses nothing acknowledged, and recovers when space returns', async () => {
    const dataDir = join(mount, 'data');
    mkdirSync(dataDir);
    const config = servedConfig(dataDir, ADMIN);
    server = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
    const site = await api('POST', '/sites', {
      name: 'HQ',
      timezone: 'Europe/Berlin',
      networks: ['127.0.0.0/8'],
      extensionRange: { first: 1000, last: 9999 },
      registrar: { host: 'pbx.example.com' },
    });
    expect(site.status).toBe(201);
    const alice = await api('POST', '/users', { name: 'Alice', email: 'alice@example.com', siteId: site.body.id });
    expect((await api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: site.body.id, userId: alice.body.id })).status).toBe(201);
    const served = await phoneGet();
    expect(served.status).toBe(200);

    const filler = fillDisk(mount);
    const acknowledged: string[] = [];
    let refused: { status: number; body: any } | null = null;
    for (let i = 0; i < 2_000 && refused === null; i++) {
      const res = await api('POST', '/users', { name: `User ${i}`, email: `user${i}@example.com`, siteId: site.body.id });
      if (res.status === 201) acknowledged.push(res.body.id as string);
      else refused = res;
    }
    expect(refused?.status).toBe(507);
    expect(refused?.body.error).toMatchObject({ code: 'STORAGE_FULL', message: expect.stringMatching(/disk .* is full/) });

    // Phones keep getting their file (same bytes: nothing changed for this device).
    const during = await phoneGet();
    expect(during.status).toBe(200);
    expect(during.body.equals(served.body)).toBe(true);

    rmSync(filler);
    const after = await api('POST', '/users', { name: 'After', email: 'after@example.com', siteId: site.body.id });
    expect(after.status).toBe(201);
    await server.close();
    server = null;

    const db = new BetterSqlite3(join(dataDir, 'deskprov.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const ids = new Set(db.prepare('SELECT id FROM users').pluck().all() as string[]);
    db.close();
    for (const id of [...acknowledged, after.body.id as string]) expect(ids.has(id)).toBe(true);
  }, 120_000);
});
