import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, serverApi, startServerProcess, type ServerProcess } from '../setup/server-process.ts';

/**
 * P8 fault: SIGKILL during an import and edit burst → restart → no acknowledged write lost and
 * no partial import (each import is one transaction: all of its rows or none).
 */

const TOKEN = 'sigkill-test-admin-token-0123456789';
const BATCH = 40;
const MAX_BATCHES = 200;
const KILL_AFTER_BATCHES = 6;

let dir: string | undefined;
let running: ServerProcess | undefined;
afterEach(async () => {
  await killIfRunning(running);
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const api = (server: ServerProcess, method: string, path: string, body?: unknown): Promise<Response> =>
  serverApi(server, TOKEN, method, path, body, 20_000);

const macOf = (batch: number, i: number) => `001566${batch.toString(16).padStart(2, '0')}${i.toString(16).padStart(4, '0')}`;

function batchRows(batch: number, siteId: string) {
  return Array.from({ length: BATCH / 2 }, (_, i) => [
    { line: 2 + 2 * i, kind: 'user', name: `B${batch} U${i}`, email: `b${batch}u${i}@example.com`, siteId },
    { line: 3 + 2 * i, kind: 'device', mac: macOf(batch, i), model: 'yealink/t54w', siteId, userEmail: `b${batch}u${i}@example.com` },
  ]).flat();
}

describe('fault: SIGKILL during an import and edit burst', () => {
  it('keeps every acknowledged import and edit, and no import half-applied', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-sigkill-'));
    const args = ['--data', join(dir, 'data'), '--http', '127.0.0.1:0', '--tftp', 'off', '--log', 'warn'];
    const env = { DESKPROV_ADMIN_TOKEN: TOKEN };
    const first = await startServerProcess(args, env);
    running = first;
    const site = await api(first, 'POST', '/sites', {
      name: 'Crash',
      timezone: 'UTC',
      networks: [],
      extensionRange: { first: 1000, last: 9999 },
      registrar: { host: 'pbx.example.com' },
    });
    expect(site.status).toBe(201);
    const siteId = ((await site.json()) as { id: string }).id;

    const importedBatches = new Set<number>();
    const editedNumbers = new Set<string>();
    const editFailures: string[] = [];
    let nextBatch = 0;
    let nextEdit = 0;
    let killed: Promise<unknown> | undefined;
    // Killed once both kinds of write have been acknowledged a few times, so both are in flight.
    const killWhenDue = () => {
      if (killed === undefined && importedBatches.size >= KILL_AFTER_BATCHES && editedNumbers.size >= 20) killed = first.stop('SIGKILL');
    };
    const importer = async () => {
      while (nextBatch < MAX_BATCHES && killed === undefined) {
        const batch = nextBatch++;
        try {
          const res = await api(first, 'POST', '/import', { rows: batchRows(batch, siteId) });
          if (res.status === 201) importedBatches.add(batch);
          else expect(res.status, `import ${batch} before the kill`).toBe(201);
        } catch {
          // the connection died with the process
        }
        killWhenDue();
      }
    };
    const editor = async () => {
      while (killed === undefined && nextEdit < 2_000) {
        const e164 = `+4930555${String(nextEdit++).padStart(4, '0')}`;
        let res: Response;
        try {
          res = await api(first, 'POST', '/numbers', { e164, region: 'DE' });
        } catch (err) {
          if (killed === undefined) editFailures.push(String(err));
          continue; // the connection died with the process
        }
        if (res.status === 201) editedNumbers.add(e164);
        else editFailures.push(`${res.status} ${await res.text().catch(() => '')}`);
        killWhenDue();
      }
    };
    await Promise.all([importer(), importer(), importer(), editor(), editor()]);
    expect(await killed).toBe('SIGKILL');
    expect(importedBatches.size).toBeGreaterThanOrEqual(KILL_AFTER_BATCHES);
    expect(editFailures).toEqual([]);
    expect(editedNumbers.size).toBeGreaterThanOrEqual(20);

    const second = await startServerProcess(args, env);
    running = second;
    const listAll = async <T>(path: string): Promise<T[]> => {
      const items: T[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = (await (await api(second, 'GET', `${path}?limit=500&offset=${offset}`)).json()) as { items: T[]; total: number };
        items.push(...page.items);
        if (offset + 500 >= page.total) return items;
      }
    };
    const emails = new Set((await listAll<{ email: string }>('/users')).map((u) => u.email));
    const macs = new Set((await listAll<{ mac: string }>('/devices')).map((d) => d.mac.replace(/[^0-9a-f]/g, '')));
    for (let batch = 0; batch < nextBatch; batch++) {
      const present = Array.from({ length: BATCH / 2 }, (_, i) => emails.has(`b${batch}u${i}@example.com`) && macs.has(macOf(batch, i)));
      const count = present.filter(Boolean).length;
      if (importedBatches.has(batch)) expect(count, `acknowledged import ${batch}`).toBe(BATCH / 2);
      // An import the kill interrupted is all there (committed, unacknowledged) or not at all.
      else expect([0, BATCH / 2], `interrupted import ${batch}`).toContain(count);
    }
    const stored = new Set((await listAll<{ e164: string }>('/numbers')).map((n) => n.e164));
    for (const e164 of editedNumbers) expect(stored.has(e164), e164).toBe(true);
  }, 120_000);
});
