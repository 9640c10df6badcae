import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../integration/helpers/api-server.ts';
import { contentDigest, createSite } from '../integration/helpers/fixtures.ts';

/** The real agent process against the real server on 127.0.0.1. */

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/deskprov-agent.mjs', import.meta.url));
const MAC_A = '00:15:65:aa:cc:01';
const MAC_B = '00:15:65:aa:cc:02';

let api: ApiServer;
let dir: string;
const tokens: Record<string, string> = {};

async function agentOnce(token: string, mac: string, queue: string): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(process.execPath, [
      BIN, '--once', '--server', api.baseUrl.replace(/\/api\/v1$/, ''), '--mac', mac, '--interface', 'lo',
      '--queue-dir', join(dir, queue), '--sip-status', join(dir, 'sip.json'), '--config-revision', '4', '--log', 'warn',
    ], { env: { ...process.env, DESKPROV_AGENT_TOKEN: token }, timeout: 20_000 });
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

beforeAll(async () => {
  api = await startApiServer();
  dir = await mkdtemp(join(tmpdir(), 'deskprov-agent-server-'));
  await writeFile(join(dir, 'sip.json'), JSON.stringify({ registered: true, registrar: 'pbx.example.com' }));
  const { id: siteId } = await createSite(api);
  for (const mac of [MAC_A, MAC_B]) {
    expect((await api.call('POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true })).status).toBe(201);
    tokens[mac] = (await api.call('POST', `/devices/${mac}/agent-token`)).body.token;
  }
}, 30_000);

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('agent and server', () => {
  it('delivers a report the server turns into device status', async () => {
    const r = await agentOnce(tokens[MAC_A]!, MAC_A, 'qa');
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(join(dir, 'qa'))).toEqual([]);
    const status = await api.call('GET', `/devices/${MAC_A}/status`);
    expect(status.body).toMatchObject({
      live: true,
      sip: { registered: true, registrar: 'pbx.example.com' },
      applied: { revision: '4' },
      location: null,
      alerts: [expect.objectContaining({ code: 'NO_REGISTERED_LOCATION' })],
    });
    expect(r.stderr).not.toContain(tokens[MAC_A]);
  }, 30_000);

  it('is refused when its token belongs to another device; the report stays queued and nothing is written', async () => {
    const before = contentDigest(api.db);
    const r = await agentOnce(tokens[MAC_A]!, MAC_B, 'qb');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('server answered 403');
    expect(await readdir(join(dir, 'qb'))).toEqual(['000000000001.json']);
    expect(contentDigest(api.db)).toBe(before);
    expect((await api.call('GET', `/devices/${MAC_B}/status`)).body.sip).toBeNull();
  }, 30_000);
});
