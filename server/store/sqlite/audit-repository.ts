import type { SqlDatabase } from '../sql-database.ts';
import type { AuditEvent } from '../../domain/audit.ts';
import type { AuditRepository } from '../repositories.ts';
import { pageOf, prepare, type Row, str, strOrNull, where } from './sql-helpers.ts';

const parse = (v: unknown): unknown => (v === null ? null : JSON.parse(str(v)));

function toEvent(r: Row): AuditEvent {
  return {
    seq: Number(r.seq),
    at: str(r.at),
    actorId: strOrNull(r.actor_id),
    actorName: str(r.actor_name),
    action: str(r.action),
    entityType: str(r.entity_type),
    entityId: str(r.entity_id),
    before: parse(r.before),
    after: parse(r.after),
  };
}

export function sqliteAudit(db: SqlDatabase): AuditRepository {
  const insert = prepare(db, `INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id,
    before, after) VALUES (@at, @actorId, @actorName, @action, @entityType, @entityId, @before, @after) RETURNING seq`).pluck();
  return {
    append: (e) => {
      const seq = insert.get({
        ...e,
        before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
      });
      return { ...e, seq: Number(seq) };
    },
    list: (filter, page) =>
      pageOf(
        db,
        'audit_events',
        where([
          ['entity_type = ?', filter.entityType],
          ['entity_id = ?', filter.entityId],
          ['actor_id = ?', filter.actorId],
          ['action = ?', filter.action],
          ['at >= ?', filter.since],
        ]),
        'seq DESC',
        page,
        toEvent,
      ),
  };
}
