import { createHash } from 'node:crypto';
import { engineOf, type SqlDatabase } from '../../../server/store/sql-database.ts';
import type { ApiServer } from './api-server.ts';

export const SITE = {
  name: 'Berlin HQ',
  timezone: 'Europe/Berlin',
  networks: ['10.1.0.0/16', '2001:db8::/48'],
  extensionRange: { first: 200, last: 299 },
  registrar: { host: 'pbx.example.com', port: 5060, transport: 'udp' },
};

/** A unicast MAC with a Yealink OUI, distinct for each n below 2^24. */
export function mac(n: number): string {
  return `001565${n.toString(16).padStart(6, '0')}`;
}

export async function createSite(api: ApiServer, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await api.call('POST', '/sites', { ...SITE, ...overrides });
  if (res.status !== 201) throw new Error(`site: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createUser(
  api: ApiServer,
  siteId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; extension: { number: number } }> {
  const res = await api.call('POST', '/users', { name: 'Ana', email: 'ana@example.com', siteId, ...overrides });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A digest of every row of every table: equal digests mean the database content is unchanged.
 * (The file's bytes are not compared: WAL checkpoints move pages without changing content.)
 * Rows are sorted by their text so the digest does not depend on either engine's scan order.
 */
export function contentDigest(db: SqlDatabase): string {
  const hash = createHash('sha256');
  const listTables =
    engineOf(db) === 'postgres'
      ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
      : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
  const tables = db.prepare(listTables).pluck().all() as string[];
  for (const table of tables) {
    hash.update(`\n# ${table}\n`);
    const rows = db
      .prepare(`SELECT * FROM "${table}"`)
      .all()
      .map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
      .sort();
    for (const row of rows) hash.update(row);
  }
  return hash.digest('hex');
}
