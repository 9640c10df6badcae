import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres } from '../setup/postgres.ts';
import { killIfRunning, serverApi, startServerProcess, type ServerProcess } from '../setup/server-process.ts';

/**
 * Two `deskprov serve` processes on one PostgreSQL (P9), each with its own data folder holding a
 * copy of the same secret key, as docs/DEPLOY.md says to run them behind DNS or a load balancer.
 */

const TOKEN = 'two-instances-admin-token-0123456789';
const UA = 'Yealink SIP-T54W 96.86.0.100 00:15:65:00:00:01';
const cluster = withPostgres();
let dirs: string[] = [];
let a: ServerProcess | undefined;
let b: ServerProcess | undefined;
let siteId: string;

const api = async (server: ServerProcess | undefined, method: string, path: string, body?: unknown) => {
  const res = await serverApi(server as ServerProcess, TOKEN, method, path, body, 30_000);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
};

beforeAll(async () => {
  const databaseUrl = await cluster().newDatabase();
  dirs = [mkdtempSync(join(tmpdir(), 'deskprov-a-')), mkdtempSync(join(tmpdir(), 'deskprov-b-'))];
  const env = { DESKPROV_DB: databaseUrl, DESKPROV_ADMIN_TOKEN: TOKEN };
  const args = (dir: string) => ['--data', dir, '--http', '127.0.0.1:0', '--tftp', 'off', '--discovery', 'off', '--log', 'warn'];
  a = await startServerProcess(args(dirs[0] as string), env);
  // The second instance unseals with the first one's key (docs/DEPLOY.md "Several instances").
  copyFileSync(join(dirs[0] as string, 'secret.key'), join(dirs[1] as string, 'secret.key'));
  b = await startServerProcess(args(dirs[1] as string), env);
  const site = await api(a, 'POST', '/sites', {
    name: 'Campus',
    timezone: 'Europe/Berlin',
    networks: ['127.0.0.0/8'],
    extensionRange: { first: 1000, last: 1999 },
    registrar: { host: 'pbx.example.com' },
  });
  expect(site.status, JSON.stringify(site.body)).toBe(201);
  siteId = site.body.id as string;
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop('SIGTERM'), b?.stop('SIGTERM')]);
  await Promise.all([killIfRunning(a), killIfRunning(b)]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('two instances on one PostgreSQL', () => {
  it('gives 2 × 100 concurrent standalone creations 200 distinct extensions', async () => {
    const create = (server: ServerProcess | undefined, i: number) =>
      api(server, 'POST', '/devices', { mac: `0015651${i.toString(16).padStart(5, '0')}`, model: 'yealink/t54w', siteId, standalone: true });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 === 0 ? a : b, i)));
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(201));
    const numbers = answers.map((r) => r.body.binding.extension.number as number);
    expect(new Set(numbers).size).toBe(200);
    expect(Math.min(...numbers)).toBe(1000);
    expect(Math.max(...numbers)).toBe(1199);
    // Both instances list the same 200 devices.
    expect((await api(a, 'GET', `/devices?siteId=${siteId}&limit=1`)).body.total).toBe(200);
    expect((await api(b, 'GET', `/devices?siteId=${siteId}&limit=1`)).body.total).toBe(200);
  }, 120_000);

  it('serves a profile edited through one instance from the other on the phone’s next fetch', async () => {
    const profile = await api(a, 'POST', '/profiles', { name: 'Campus phones', settings: { time: { ntp: 'ntp-one.example' } } });
    expect(profile.status).toBe(201);
    const mac = '001565000001';
    const device = await api(a, 'POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true, profileId: profile.body.id });
    expect(device.status, JSON.stringify(device.body)).toBe(201);
    const fetchFromB = async () => {
      const res = await fetch(`${(b as ServerProcess).url}${mac}.cfg`, { headers: { 'user-agent': UA } });
      expect(res.status).toBe(200);
      return res.text();
    };
    // B renders and keeps the file; A's edit must reach B's copies.
    expect(await fetchFromB()).toContain('ntp-one.example');
    expect(await fetchFromB()).toContain('ntp-one.example');
    const profileUrl = `${(a as ServerProcess).url}api/v1/profiles/${profile.body.id}`;
    const etag = (await fetch(profileUrl, { headers: { authorization: `Bearer ${TOKEN}` } })).headers.get('etag') ?? '';
    const edit = await fetch(profileUrl, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify({ settings: { time: { ntp: 'ntp-two.example' } } }),
    });
    expect(edit.status, await edit.text()).toBe(200);
    // The notice travels after A's commit; a phone's next fetch comes seconds later, so a bounded
    // wait stands for it here.
    let text = await fetchFromB();
    for (let tries = 0; tries < 20 && !text.includes('ntp-two.example'); tries++) {
      await new Promise((r) => setTimeout(r, 50));
      text = await fetchFromB();
    }
    expect(text).toContain('ntp-two.example');
    expect(text).not.toContain('ntp-one.example');
  }, 60_000);

  it('shows on one instance’s status stream a device reporting to the other', async () => {
    const mac = '001565000002';
    expect((await api(a, 'POST', '/devices', { mac, model: 'yealink/t54w', siteId, standalone: true })).status).toBe(201);
    const agentToken = (await api(a, 'POST', `/devices/${mac}/agent-token`)).body.token as string;
    const abort = new AbortController();
    const stream = await fetch(`${(a as ServerProcess).url}api/v1/status/stream`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    const report = await fetch(`${(b as ServerProcess).url}api/v1/agent/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'r-b-1', at: new Date().toISOString(), sip: { registered: true }, network: { ip: '127.0.0.9/8' } }),
    });
    expect(report.status).toBe(202);
    const deadline = Date.now() + 10_000;
    const complete = () => text.includes(`"mac":"${mac}"`) && text.includes('\n\n', text.indexOf(`"mac":"${mac}"`));
    while (!complete() && Date.now() < deadline) text += (await reader.read()).value ?? '';
    abort.abort();
    const block = text.slice(text.lastIndexOf('event: device', text.indexOf(`"mac":"${mac}"`))).split('\n\n')[0] as string;
    const data = JSON.parse((block.split('\n').find((l) => l.startsWith('data: ')) as string).slice(6));
    expect(data).toMatchObject({ mac, sip: { registered: true } });
  }, 60_000);
});
