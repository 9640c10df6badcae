import type { SqlDatabase } from '../sql-database.ts';
import type { Profile } from '../../domain/profile.ts';
import type { ProfileSettings } from '../../provisioning/types.ts';
import type { ProfileRepository } from '../repositories.ts';
import { pageOf, prepare, type Row, str, strOrNull } from './sql-helpers.ts';

function toProfile(r: Row): Profile {
  return {
    id: str(r.id),
    name: str(r.name),
    parentId: strOrNull(r.parent_id),
    settings: JSON.parse(str(r.settings)) as ProfileSettings,
    revision: Number(r.revision),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(p: Profile): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    parent: p.parentId,
    settings: JSON.stringify(p.settings),
    revision: p.revision,
    created: p.createdAt,
    updated: p.updatedAt,
  };
}

export function sqliteProfiles(db: SqlDatabase): ProfileRepository {
  const insert = prepare(db, `INSERT INTO profiles (id, name, parent_id, settings, revision, created_at, updated_at)
    VALUES (@id, @name, @parent, @settings, @revision, @created, @updated)`);
  const update = prepare(db, `UPDATE profiles SET name = @name, parent_id = @parent, settings = @settings,
    revision = @revision, updated_at = @updated WHERE id = @id`);
  const one = (sql: string, v: unknown): Profile | undefined => {
    const row = prepare(db, sql).get(v) as Row | undefined;
    return row && toProfile(row);
  };
  return {
    insert: (p) => void insert.run(params(p)),
    get: (id) => one('SELECT * FROM profiles WHERE id = ?', id),
    getByName: (name) => one('SELECT * FROM profiles WHERE name = ?', name),
    list: (page) => pageOf(db, 'profiles', { sql: '', params: [] }, 'name, id', page, toProfile),
    update: (p) => void update.run(params(p)),
    delete: (id) => void prepare(db, 'DELETE FROM profiles WHERE id = ?').run(id),
    children: (id) => prepare(db, 'SELECT count(*) FROM profiles WHERE parent_id = ?').pluck().get(id) as number,
  };
}
