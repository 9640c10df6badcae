import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { Config } from '../../../server/config.ts';
import { buildApp, type App } from '../../../server/http/app.ts';
import { createPhoneFrontEnd, type PhoneFrontEnd } from '../../../server/http/phone-front-end.ts';
import { readCatalog } from '../../../server/io/read-catalog.ts';
import type { PhoneTrustOptions } from '../../../server/services/phone-files.ts';
import { createServices, type ServiceDeps, type Services } from '../../../server/services/index.ts';
import type { SqlDatabase } from '../../../server/store/sql-database.ts';
import { openTestStore } from './test-store.ts';
import type { Catalog } from '../../../server/provisioning/types.ts';
import { testConfig } from './test-config.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** The real app with the phone front end, a real SQLite file, HTTP on 127.0.0.1 port 0, a movable clock. */
export interface PhoneServer {
  dir: string;
  db: SqlDatabase;
  catalog: Catalog;
  services: Services;
  front: PhoneFrontEnd;
  app: App;
  config: Config;
  /** `http://127.0.0.1:<port>/` */
  root: string;
  adminToken: string;
  /** JSON log lines written so far. */
  logs: Array<Record<string, unknown>>;
  advance(ms: number): void;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startPhoneServer(
  options: Partial<PhoneTrustOptions> = {},
  serviceDeps: Pick<ServiceDeps, 'checkSync' | 'emergency'> = {},
  databaseUrl?: string,
): Promise<PhoneServer> {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-phone-'));
  const db = await openTestStore(dir, databaseUrl);
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  let t = Date.parse('2026-03-02T09:00:00Z');
  const services = createServices({ db, catalog, now: () => new Date(t), ...serviceDeps });
  const { token } = services.tokens.ensureBootstrap();
  if (token === null) throw new Error('first start must return the generated token');
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const config = testConfig(dir, { logLevel: 'info' });
  const front = createPhoneFrontEnd({ db, catalog, config, services, logger, now: () => t, options, firmwareMaxBytes: 1024 * 1024 });
  const app = await buildApp({ config, services, catalog, logger, extraPlugins: [front.plugin] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}/`;
  config.publicUrl = root;
  return {
    dir,
    db,
    catalog,
    services,
    front,
    app,
    config,
    root,
    adminToken: token,
    logs,
    advance: (ms) => {
      t += ms;
    },
    async api(method, path, body, headers = {}) {
      const res = await fetch(`${root}api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text (file previews)
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A site on the loopback network, a user with an extension, and optionally a pre-staged device. */
export async function seed(server: PhoneServer, opts: { networks?: string[]; tftpSecrets?: boolean } = {}) {
  const site = await server.api('POST', '/sites', {
    name: 'HQ',
    timezone: 'Europe/Berlin',
    networks: opts.networks ?? ['127.0.0.0/8', '::1/128'],
    extensionRange: { first: 1000, last: 1999 },
    registrar: { host: 'pbx.example.com' },
    tftpSecrets: opts.tftpSecrets ?? false,
  });
  if (site.status !== 201) throw new Error(`site: ${JSON.stringify(site.body)}`);
  const user = await server.api('POST', '/users', { name: 'Alice Example', email: 'alice@example.com', siteId: site.body.id });
  if (user.status !== 201) throw new Error(`user: ${JSON.stringify(user.body)}`);
  return { siteId: site.body.id as string, userId: user.body.id as string, extension: user.body.extension.number as number };
}

export type SeedIds = Awaited<ReturnType<typeof seed>>;

/**
 * For a test file whose every test needs a seeded phone server: registers the beforeEach that
 * starts and seeds one and the afterEach that closes it; read `.server` and `.ids` in tests.
 */
export function withSeededPhoneServer(options: Partial<PhoneTrustOptions> = {}): { server: PhoneServer; ids: SeedIds } {
  const env = {} as { server: PhoneServer; ids: SeedIds };
  beforeEach(async () => {
    env.server = await startPhoneServer(options);
    env.ids = await seed(env.server);
  });
  afterEach(async () => {
    await env.server.close();
  });
  return env;
}

/** What a phone computes for Digest (RFC 7616 §3.4.1), written out independently of the server code. */
export function digestHeader(challenge: string, method: string, uri: string, username: string, password: string): string {
  const get = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(challenge)?.[1] ?? '';
  const algorithm = get('algorithm');
  const h = (s: string) => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(s).digest('hex');
  const realm = get('realm');
  const nonce = get('nonce');
  const cnonce = '0a4f113b';
  const nc = '00000001';
  const response = h(`${h(`${username}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${h(`${method}:${uri}`)}`);
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${get('opaque')}"`;
}
