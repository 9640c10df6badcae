import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/http/app.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { createServices, type Services } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { testConfig } from '../integration/helpers/test-config.ts';

/**
 * The real agent against the real server, which is stopped while the agent reports 100 changes
 * and started again on the same port and database: every change is stored exactly once and the
 * device ends in the last state.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/deskprov-agent.mjs');
const MAC = '00:15:65:aa:dd:01';
const CHANGES = 100;

let dir: string;
let db: Database;
let services: Services;
let app: App | null = null;
let port = 0;
let agent: ChildProcess;

async function startServer(): Promise<void> {
  const config = testConfig(dir, { http: { host: '127.0.0.1', port } });
  app = await buildApp({ config, services, catalog: readCatalog(join(ROOT, 'firmware-profiles')) });
  await app.listen({ host: '127.0.0.1', port });
  port = (app.server.address() as AddressInfo).port;
}

async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const stored = () => (db.prepare('SELECT count(*) AS n FROM e911_report_ids').get() as { n: number }).n;
const queued = async () => (await readdir(join(dir, 'queue'))).filter((n) => /^\d+\.json$/.test(n)).length;

async function setStatus(lastError: string): Promise<void> {
  await writeFile(join(dir, 'sip.tmp'), JSON.stringify({ registered: false, lastError }));
  await rename(join(dir, 'sip.tmp'), join(dir, 'sip.json'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskprov-agent-restart-'));
  db = openDatabase(join(dir, 'deskprov.db'));
  services = createServices({ db, catalog: readCatalog(join(ROOT, 'firmware-profiles')) });
  const admin = { tokenId: 'test', userId: null, role: 'super-admin' as const, siteId: null, name: 'test' };
  const site = services.sites.create(admin, {
    name: 'HQ', timezone: 'America/Chicago', networks: ['10.1.0.0/16'], extensionRange: { first: 200, last: 299 },
    registrar: { host: 'pbx.example.com' },
  });
  services.devices.create(admin, { mac: MAC, model: 'yealink/t54w', siteId: site.id, standalone: true });
  const { token } = services.devices.issueAgentToken(admin, MAC);
  await startServer();
  await setStatus('change-0');
  agent = spawn(process.execPath, [BIN, '--server', `http://127.0.0.1:${port}`, '--interface', 'lo', '--queue-dir', join(dir, 'queue'),
    '--sip-status', join(dir, 'sip.json'), '--poll', '0.02', '--heartbeat', '3600', '--retry-max', '0.3', '--mac', MAC, '--log', 'warn'],
  { env: { ...process.env, DESKPROV_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'ignore'] });
}, 30_000);

afterAll(async () => {
  if (agent?.exitCode === null) {
    const exited = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
  await app?.close();
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('agent and a server that restarts', () => {
  it('stores each of 100 changes made while the server was down exactly once, ending in the last state', async () => {
    await until('the first report to be stored', async () => stored() === 1 && (await queued()) === 0, 15_000);
    await app!.close();
    app = null;
    for (let i = 1; i <= CHANGES; i += 1) {
      await setStatus(`change-${i}`);
      await until(`change ${i} to be queued`, async () => (await queued()) >= i, 10_000);
    }
    expect(stored()).toBe(1);
    const upAt = Date.now();
    await startServer();
    await until('the queue to drain', async () => (await queued()) === 0, 30_000);
    const drainMs = Date.now() - upAt;
    expect(stored()).toBe(CHANGES + 1);
    const status = services.e911.deviceStatus(MAC);
    expect(status.sip).toEqual({ registered: false, lastError: `change-${CHANGES}` });
    console.log(`agent restart e2e: ${CHANGES} queued reports stored by the real server in ${drainMs} ms after restart`);
  }, 90_000);
});
