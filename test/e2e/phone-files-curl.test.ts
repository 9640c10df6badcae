import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasMacPlaceholder, renderFileName } from '../../server/provisioning/file-pattern.ts';
import { compileUaRules, matchUserAgent } from '../../server/provisioning/ua-match.ts';
import type { ModelProfile } from '../../server/provisioning/types.ts';
import { startTftpServer, type TftpServer } from '../../server/tftp/tftp-server.ts';
import { seed, startPhoneServer, type PhoneServer } from '../integration/helpers/phone-server.ts';

/**
 * curl, a real HTTP/TFTP client, walks each vendor's request order with the model's real
 * User-Agent against a pre-staged device (zero-touch), then checks credentials via Digest and that
 * TFTP serves the same bytes as HTTP.
 */

const run = promisify(execFile);

interface CurlAnswer {
  status: number;
  body: Buffer;
  headers: string;
}

let server: PhoneServer;
let tftp: TftpServer | undefined;
let ids: Awaited<ReturnType<typeof seed>>;
let n = 0;

async function curl(url: string, args: string[] = []): Promise<CurlAnswer> {
  n += 1;
  const out = join(server.dir, `body-${n}`);
  const head = join(server.dir, `head-${n}`);
  const { stdout } = await run('curl', ['-sS', '-o', out, '-D', head, '-w', '%{http_code}', '--max-time', '10', ...args, url]);
  return { status: Number(stdout.trim()), body: readFileSync(out), headers: readFileSync(head, 'utf8') };
}

async function tftpGet(name: string): Promise<Buffer> {
  n += 1;
  const out = join(server.dir, `tftp-${n}`);
  await run('curl', ['-sS', '--max-time', '10', '-o', out, `tftp://127.0.0.1:${tftp?.address().port}/${name}`]);
  return readFileSync(out);
}

beforeEach(async () => {
  server = await startPhoneServer();
  ids = await seed(server, { tftpSecrets: true });
});
afterEach(async () => {
  await tftp?.close();
  tftp = undefined;
  await server.close();
});


/** A MAC consistent with the model's UA sample (the sample's own MAC when it carries one). */
function macFor(model: ModelProfile, sample: string, i: number): string {
  const fromUa = matchUserAgent(compileUaRules([model]), sample)?.mac;
  return fromUa ?? `${model.oui[0] ?? '001122'}00${i.toString(16).padStart(4, '0')}`;
}

describe('curl walks every vendor’s request order', () => {
  it('gets each file a pre-staged device asks for, in order, with the model’s real User-Agent, for every model', async () => {
    const models = server.catalog.all();
    expect(new Set(models.map((m) => m.dialect)).size).toBeGreaterThanOrEqual(10);
    for (const [i, model] of models.entries()) {
      const ua = model.userAgent.samples[0] ?? '';
      const mac = macFor(model, ua, i);
      const created = await server.api('POST', '/devices', { mac, model: model.id, siteId: ids.siteId, standalone: true, label: `Desk ${i}` });
      expect(created.status, `${model.id}: ${JSON.stringify(created.body)}`).toBe(201);
      for (const file of model.files) {
        const name = renderFileName(file.name, model.modelToken, mac);
        const answer = await curl(`${server.root}${name}`, ['-A', ua]);
        expect(answer.status, `${model.id} ${name}`).toBe(200);
        expect(answer.body.length, `${model.id} ${name}`).toBeGreaterThan(0);
        expect(answer.headers).toMatch(/content-type: text\/(plain|xml)/i);
        if (file.secrets) {
          expect(answer.body.toString(), `${model.id} ${name}`).toContain('pbx.example.com');
          expect(answer.body.toString(), `${model.id} ${name}`).toContain(String(created.body.binding.extension.number));
        }
      }
    }
  }, 180_000);
});

describe('credentials and transports with curl', () => {
  it('hands credentials out in the first config, then requires them (curl --digest)', async () => {
    const model = server.catalog.get('yealink/t54w') as ModelProfile;
    const ua = model.userAgent.samples[0] ?? '';
    const mac = macFor(model, ua, 0);
    await server.api('POST', '/devices', { mac, model: model.id, siteId: ids.siteId, userId: ids.userId });
    const first = await curl(`${server.root}${mac}.cfg`, ['-A', ua]);
    expect(first.status).toBe(200);
    const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(first.body.toString())?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    server.advance(11 * 60_000);
    const plain = await curl(`${server.root}${mac}.cfg`, ['-A', ua]);
    expect(plain.status).toBe(401);
    expect(plain.headers).toMatch(/www-authenticate: Digest realm="deskprov", qop="auth", algorithm=SHA-256/i);
    const digest = await curl(`${server.root}${mac}.cfg`, ['-A', ua, '--digest', '-u', `${mac}:${password}`]);
    expect(digest.status).toBe(200);
    expect(digest.body.equals(first.body)).toBe(true);
    const wrong = await curl(`${server.root}${mac}.cfg`, ['-A', ua, '--digest', '-u', `${mac}:wrong-password`]);
    expect(wrong.status).toBe(401);
    expect(wrong.body.equals(plain.body)).toBe(true);
    const basicOverHttp = await curl(`${server.root}${mac}.cfg`, ['-A', ua, '--basic', '-u', `${mac}:${password}`]);
    expect(basicOverHttp.status).toBe(401);
  });

  it('serves the same bytes over TFTP as over HTTP', async () => {
    tftp = await startTftpServer({
      host: '127.0.0.1',
      port: 0,
      source: server.front.tftpSource,
      isBanned: server.front.tftpIsBanned,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    });
    const model = server.catalog.get('yealink/t54w') as ModelProfile;
    const ua = model.userAgent.samples[0] ?? '';
    const mac = macFor(model, ua, 0);
    await server.api('POST', '/devices', { mac, model: model.id, siteId: ids.siteId, userId: ids.userId });
    for (const file of model.files) {
      const name = renderFileName(file.name, model.modelToken, mac);
      // TFTP carries no User-Agent: a shared name is compared with an HTTP request without one.
      const http = await curl(`${server.root}${name}`, hasMacPlaceholder(file.name) ? ['-A', ua] : ['-A', '']);
      expect(http.status).toBe(200);
      const viaTftp = await tftpGet(name);
      expect(viaTftp.toString(), name).toBe(http.body.toString());
      expect(hasMacPlaceholder(file.name) || !viaTftp.includes(Buffer.from('password = '))).toBe(true);
    }
  });

  it('withholds every secret over TFTP when the site does not allow TFTP secrets', async () => {
    tftp = await startTftpServer({
      host: '127.0.0.1',
      port: 0,
      source: server.front.tftpSource,
      isBanned: server.front.tftpIsBanned,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    });
    const patched = await server.api('PATCH', `/sites/${ids.siteId}`, { tftpSecrets: false });
    expect(patched.status).toBe(200);
    const model = server.catalog.get('yealink/t54w') as ModelProfile;
    const ua = model.userAgent.samples[0] ?? '';
    const mac = macFor(model, ua, 0);
    await server.api('POST', '/devices', { mac, model: model.id, siteId: ids.siteId, userId: ids.userId });
    const viaTftp = (await tftpGet(`${mac}.cfg`)).toString();
    expect(viaTftp).toContain('account.1.user_name');
    expect(viaTftp).not.toMatch(/account\.1\.password = (?!%NULL%)\S/);
    expect(viaTftp).not.toContain('static.auto_provision.server.password');
    const http = await curl(`${server.root}${mac}.cfg`, ['-A', ua]);
    const sip = /account\.1\.password = (\S+)/.exec(http.body.toString())?.[1] ?? '';
    expect(sip.length).toBeGreaterThanOrEqual(16);
    expect(viaTftp).not.toContain(sip);
    const unknown = await run('curl', ['-sS', '--max-time', '10', '-o', join(server.dir, 'none'), `tftp://127.0.0.1:${tftp.address().port}/001565ffffff.cfg`]).catch((err: { code?: number }) => err);
    expect((unknown as { code?: number }).code).not.toBe(0);
  });
});
