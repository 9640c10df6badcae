import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { testConfig } from './test-config.ts';
import { buildApp, type App } from '../../../server/http/app.ts';
import { readCatalog } from '../../../server/io/read-catalog.ts';
import { createServices, type ServiceDeps, type Services } from '../../../server/services/index.ts';
import type { SqlDatabase } from '../../../server/store/sql-database.ts';
import { openTestStore } from './test-store.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** The real app over a real SQLite file with agentless-location options (walker limits, poll spacing). */
export interface LocationServer {
  /** The data folder, and the SQLite file in it (when the run is on SQLite). */
  dir: string;
  dbFile: string;
  db: SqlDatabase;
  services: Services;
  app: App;
  /** The first-start super-admin token. */
  token: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startLocationServer(location: NonNullable<ServiceDeps['location']>): Promise<LocationServer> {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-location-'));
  const db = await openTestStore(dir);
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  const services = createServices({ db, catalog, location });
  const { token } = services.tokens.ensureBootstrap();
  const config = testConfig(dir);
  const app = await buildApp({ config, services, catalog });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/v1`;
  return {
    dir,
    dbFile: join(dir, 'deskprov.db'),
    db,
    services,
    app,
    token: token ?? '',
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
