import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
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
 */
export function contentDigest(db: Database): string {
  const hash = createHash('sha256');
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    hash.update(`\n# ${table}\n`);
    for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().all()) {
      hash.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    }
  }
  return hash.digest('hex');
}
