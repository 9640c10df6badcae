import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../../server/http/app.ts';
import { readCatalog } from '../../../server/io/read-catalog.ts';
import { createServices, type Services } from '../../../server/services/index.ts';
import type { SqlDatabase } from '../../../server/store/sql-database.ts';
import { openTestStore } from './test-store.ts';
import { testConfig } from './test-config.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiServer {
  dir: string;
  dbFile: string;
  db: SqlDatabase;
  services: Services;
  app: App;
  /** The first-start super-admin token. */
  adminToken: string;
  baseUrl: string;
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string | null; headers?: Record<string, string>; raw?: string },
  ): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}


/**
 * The real app (buildApp) over a real SQLite file in a temp dir, listening on 127.0.0.1 port 0.
 * `now` lets a test move the clock (retention).
 */
export async function startApiServer(opts: { now?: () => Date } = {}): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-api-'));
  const dbFile = join(dir, 'deskprov.db');
  const db = await openTestStore(dir);
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  const services = createServices({ db, catalog, ...(opts.now ? { now: opts.now } : {}) });
  const { token } = services.tokens.ensureBootstrap();
  if (token === null) throw new Error('first start must return the generated token');
  const config = testConfig(dir);
  const app = await buildApp({ config, services, catalog });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/v1`;

  return {
    dir,
    dbFile,
    db,
    services,
    app,
    adminToken: token,
    baseUrl,
    async call(method, path, body, callOpts = {}) {
      const headers: Record<string, string> = { ...callOpts.headers };
      const bearer = callOpts.token === undefined ? token : callOpts.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let payload: string | undefined = callOpts.raw;
      if (body !== undefined) payload = JSON.stringify(body);
      if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
