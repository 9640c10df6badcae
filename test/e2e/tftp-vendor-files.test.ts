import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMacPlaceholder, renderFileName } from '../../server/provisioning/file-pattern.ts';
import { compileUaRules, matchUserAgent } from '../../server/provisioning/ua-match.ts';
import type { ModelProfile } from '../../server/provisioning/types.ts';
import { startTftpServer, type TftpServer } from '../../server/tftp/tftp-server.ts';
import { seed, startPhoneServer, type PhoneServer } from '../integration/helpers/phone-server.ts';

/**
 * For one model of every dialect, a pre-staged device on a site that allows TFTP secrets: each
 * file the model asks for comes over TFTP byte for byte as HTTP serves it, with three real
 * clients: tftp-hpa (RFC 1350, octet, no options), curl with `--tftp-blksize 1428` (blksize and
 * tsize negotiated) and curl with `--tftp-no-options`. TFTP carries no User-Agent, so a shared name
 * is compared with an HTTP request without one (docs/SECURITY.md, "TFTP").
 */

const run = promisify(execFile);
const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

const ONE_PER_DIALECT: Record<string, string> = {
  yealink: 'yealink/t54w',
  poly: 'poly/vvx450',
  'cisco-mpp': 'cisco/cp-8841-3pcc',
  'cisco-spa': 'cisco/spa504g',
  'cisco-sep': 'cisco/sep-8945',
  grandstream: 'grandstream/gxp2170',
  snom: 'snom/d385',
  fanvil: 'fanvil/x4u',
  aastra: 'aastra/6867i',
  obihai: 'obihai/obi202',
};

let server: PhoneServer;
let tftp: TftpServer;
let siteId: string;
let n = 0;
const out = (): string => join(server.dir, `got-${n++}`);

beforeAll(async () => {
  server = await startPhoneServer();
  ({ siteId } = await seed(server, { tftpSecrets: true }));
  // Three clients per file run at once from one source; the default per-source limits are for phones.
  tftp = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    source: server.front.tftpSource,
    isBanned: server.front.tftpIsBanned,
    logger: silentLogger,
    limits: { maxPerSource: 8, requestsPerSecondPerSource: 200 },
  });
});

afterAll(async () => {
  await tftp?.close();
  await server?.close();
});

async function httpGet(name: string, ua: string): Promise<{ status: number; body: Buffer }> {
  const file = out();
  // `-A ''` makes curl send no User-Agent header at all, as a TFTP request has none.
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '-A', ua, '-o', file, '-w', '%{http_code}', `${server.root}${name}`]);
  return { status: Number(stdout.trim()), body: await readFile(file) };
}

/** tftp-hpa exits 0 even on a TFTP error; its output names the error, so it must be empty. */
async function hpaGet(name: string): Promise<Buffer> {
  const file = out();
  const { stdout, stderr } = await run('tftp', ['-m', 'binary', '127.0.0.1', String(tftp.address().port), '-c', 'get', name, file], { timeout: 20_000 });
  expect(stdout + stderr, `tftp-hpa ${name}`).toBe('');
  return readFile(file);
}

async function curlTftpGet(name: string, flags: string[]): Promise<Buffer> {
  const file = out();
  await run('curl', ['-sS', '--max-time', '10', ...flags, '-o', file, `tftp://127.0.0.1:${tftp.address().port}/${name}`]);
  return readFile(file);
}

/** A MAC consistent with the model's UA sample (the sample's own MAC when it carries one). */
function macFor(model: ModelProfile, sample: string, i: number): string {
  const fromUa = sample === '' ? undefined : matchUserAgent(compileUaRules([model]), sample)?.mac;
  return fromUa ?? `${model.oui[0] ?? '001122'}00${i.toString(16).padStart(4, '0')}`;
}

describe('TFTP serves every vendor’s files as HTTP does', () => {
  it('covers one model of each of the ten dialects', () => {
    const dialects = new Set(server.catalog.all().map((m) => m.dialect));
    expect([...dialects].sort()).toEqual(Object.keys(ONE_PER_DIALECT).sort());
    for (const [dialect, id] of Object.entries(ONE_PER_DIALECT)) expect(server.catalog.get(id)?.dialect).toBe(dialect);
  });

  it.each(Object.entries(ONE_PER_DIALECT).map(([dialect, id], i) => [dialect, id, i] as const))(
    '%s (%s): tftp-hpa, curl --tftp-blksize 1428 and curl --tftp-no-options get the bytes HTTP serves',
    async (_dialect, id, i) => {
      const model = server.catalog.get(id) as ModelProfile;
      const ua = model.userAgent.samples[0] ?? '';
      const mac = macFor(model, ua, i);
      const user = await server.api('POST', '/users', { name: `Desk User ${i}`, email: `desk${i}@example.com`, siteId });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      const created = await server.api('POST', '/devices', { mac, model: id, siteId, userId: user.body.id });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(model.files.length).toBeGreaterThan(0);
      for (const file of model.files) {
        const name = renderFileName(file.name, model.modelToken, mac);
        const http = await httpGet(name, hasMacPlaceholder(file.name) ? ua : '');
        expect(http.status, `${id} ${name} over HTTP`).toBe(200);
        expect(http.body.length, `${id} ${name}`).toBeGreaterThan(0);
        if (file.secrets) {
          expect(http.body.toString(), `${id} ${name}`).toContain('pbx.example.com');
          expect(http.body.toString(), `${id} ${name}`).toContain(String(user.body.extension.number));
        }
        const [hpa, blksize, noOptions] = await Promise.all([
          hpaGet(name),
          curlTftpGet(name, ['--tftp-blksize', '1428']),
          curlTftpGet(name, ['--tftp-no-options']),
        ]);
        expect(hpa.toString(), `${id} ${name} via tftp-hpa`).toBe(http.body.toString());
        expect(hpa.equals(http.body), `${id} ${name} via tftp-hpa`).toBe(true);
        expect(blksize.equals(http.body), `${id} ${name} via curl --tftp-blksize 1428`).toBe(true);
        expect(noOptions.equals(http.body), `${id} ${name} via curl --tftp-no-options`).toBe(true);
      }
    },
    30_000,
  );
});
