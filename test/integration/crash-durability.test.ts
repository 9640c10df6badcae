import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, serverApi, startServerProcess, type ServerProcess } from '../setup/server-process.ts';

const TOKEN = 'crash-test-admin-token-0123456789';
const TOTAL = 400;
const CONCURRENCY = 16;
const KILL_AFTER = 150;

let dir: string | undefined;
let running: ServerProcess | undefined;
afterEach(async () => {
  await killIfRunning(running);
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const api = (server: ServerProcess, method: string, path: string, body?: unknown): Promise<Response> =>
  serverApi(server, TOKEN, method, path, body, 10_000);

const macOf = (i: number) => `001565e0${i.toString(16).padStart(4, '0')}`;

describe('durability', () => {
  it('keeps every acknowledged write when the server is SIGKILLed in the middle of a burst', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-crash-'));
    const args = ['--data', join(dir, 'data'), '--http', '127.0.0.1:0', '--tftp', 'off', '--log', 'warn'];
    const env = { DESKPROV_ADMIN_TOKEN: TOKEN };
    const first = await startServerProcess(args, env);
    running = first;

    const site = await api(first, 'POST', '/sites', {
      name: 'Crash',
      timezone: 'UTC',
      networks: [],
      extensionRange: { first: 1000, last: 1999 },
      registrar: { host: 'pbx.example.com' },
    });
    expect(site.status).toBe(201);
    const siteId = ((await site.json()) as { id: string }).id;

    // Bounded burst: at most TOTAL requests, CONCURRENCY in flight; SIGKILL once KILL_AFTER are acknowledged.
    const acknowledged = new Map<string, number>();
    let next = 0;
    let killed: Promise<unknown> | undefined;
    let failedAfterKill = 0;
    const worker = async () => {
      while (next < TOTAL && killed === undefined) {
        const mac = macOf(next++);
        try {
          const res = await api(first, 'POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true });
          if (res.status === 201) {
            const body = (await res.json()) as { binding: { extension: { number: number } } };
            acknowledged.set(mac, body.binding.extension.number);
          } else {
            expect(res.status, `unexpected ${res.status} before the kill`).toBe(201);
          }
        } catch {
          failedAfterKill++;
        }
        if (acknowledged.size >= KILL_AFTER && killed === undefined) killed = first.stop('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(await killed).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(next).toBeLessThan(TOTAL);

    const second = await startServerProcess(args, env);
    running = second;
    const list = await api(second, 'GET', '/devices?limit=500');
    expect(list.status).toBe(200);
    const stored = new Map(
      ((await list.json()) as { items: Array<{ mac: string; binding: { extension: { number: number } } }> }).items.map((d) => [
        d.mac,
        d.binding.extension.number,
      ]),
    );
    for (const [mac, extension] of acknowledged) {
      expect(stored.get(mac), `acknowledged device ${mac} lost`).toBe(extension);
    }
    // Writes in flight at the kill may or may not have landed, but never half: each stored device
    // has its own extension.
    expect(new Set(stored.values()).size).toBe(stored.size);
    expect(stored.size).toBeLessThanOrEqual(next);
    console.info(
      `crash-durability: ${acknowledged.size} acknowledged, ${stored.size} stored, ${failedAfterKill} in flight at SIGKILL`,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
