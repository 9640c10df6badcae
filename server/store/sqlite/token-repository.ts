import type { SqlDatabase } from '../sql-database.ts';
import type { ApiToken } from '../../domain/api-token.ts';
import type { TokenRepository } from '../repositories.ts';
import { pageOf, prepare, type Row, str, strOrNull } from './sql-helpers.ts';

function toToken(r: Row): ApiToken {
  return {
    id: str(r.id),
    name: str(r.name),
    role: str(r.role) as ApiToken['role'],
    userId: strOrNull(r.user_id),
    siteId: strOrNull(r.site_id),
    hash: str(r.hash),
    bootstrap: r.bootstrap === 1,
    createdAt: str(r.created_at),
    revokedAt: strOrNull(r.revoked_at),
  };
}

function params(t: ApiToken): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    user: t.userId,
    site: t.siteId,
    hash: t.hash,
    bootstrap: t.bootstrap ? 1 : 0,
    created: t.createdAt,
    revoked: t.revokedAt,
  };
}

export function sqliteTokens(db: SqlDatabase): TokenRepository {
  const insert = prepare(db, `INSERT INTO api_tokens (id, name, role, user_id, site_id, hash, bootstrap, created_at,
    revoked_at) VALUES (@id, @name, @role, @user, @site, @hash, @bootstrap, @created, @revoked)`);
  const update = prepare(db, `UPDATE api_tokens SET name = @name, role = @role, user_id = @user, site_id = @site,
    hash = @hash, bootstrap = @bootstrap, revoked_at = @revoked WHERE id = @id`);
  const one = (sql: string, ...v: unknown[]): ApiToken | undefined => {
    const row = prepare(db, sql).get(...v) as Row | undefined;
    return row && toToken(row);
  };
  return {
    insert: (t) => void insert.run(params(t)),
    get: (id) => one('SELECT * FROM api_tokens WHERE id = ?', id),
    getByHash: (hash) => one('SELECT * FROM api_tokens WHERE hash = ?', hash),
    getBootstrap: () => one('SELECT * FROM api_tokens WHERE bootstrap = 1 AND revoked_at IS NULL'),
    list: (page) => pageOf(db, 'api_tokens', { sql: '', params: [] }, 'created_at, id', page, toToken),
    update: (t) => void update.run(params(t)),
  };
}
