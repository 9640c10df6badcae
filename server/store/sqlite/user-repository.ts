import type { SqlDatabase } from '../sql-database.ts';
import type { Role } from '../../domain/roles.ts';
import type { User } from '../../domain/user.ts';
import type { UserRepository } from '../repositories.ts';
import { likeSubstring, pageOf, prepare, type Row, str, where } from './sql-helpers.ts';

function toUser(r: Row): User {
  return {
    id: str(r.id),
    name: str(r.name),
    email: str(r.email),
    role: str(r.role) as Role,
    siteId: str(r.site_id),
    licensed: r.licensed === 1,
    extensionNumber: Number(r.extension_number),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(u: User): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    site: u.siteId,
    licensed: u.licensed ? 1 : 0,
    ext: u.extensionNumber,
    created: u.createdAt,
    updated: u.updatedAt,
  };
}

export function sqliteUsers(db: SqlDatabase): UserRepository {
  const insert = prepare(db, `INSERT INTO users (id, name, email, role, site_id, licensed, extension_number,
    created_at, updated_at) VALUES (@id, @name, @email, @role, @site, @licensed, @ext, @created, @updated)`);
  const update = prepare(db, `UPDATE users SET name = @name, email = @email, role = @role, site_id = @site,
    licensed = @licensed, extension_number = @ext, updated_at = @updated WHERE id = @id`);
  const one = (sql: string, v: unknown): User | undefined => {
    const row = prepare(db, sql).get(v) as Row | undefined;
    return row && toUser(row);
  };
  return {
    insert: (u) => void insert.run(params(u)),
    get: (id) => one('SELECT * FROM users WHERE id = ?', id),
    getByEmail: (email) => one('SELECT * FROM users WHERE email = ?', email),
    getByExtension: (n) => one('SELECT * FROM users WHERE extension_number = ?', n),
    list: (filter, page) => {
      const q = filter.q === undefined ? undefined : likeSubstring(filter.q);
      const w = where([
        ['site_id = ?', filter.siteId],
        ["(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", q],
      ]);
      // The q condition has two placeholders: repeat its value.
      if (q !== undefined) w.params.push(q);
      return pageOf(db, 'users', w, 'created_at, id', page, toUser);
    },
    update: (u) => void update.run(params(u)),
    delete: (id) => void prepare(db, 'DELETE FROM users WHERE id = ?').run(id),
  };
}
