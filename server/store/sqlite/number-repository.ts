import type { SqlDatabase } from '../sql-database.ts';
import type { PhoneNumber } from '../../domain/e164.ts';
import type { NumberRepository } from '../repositories.ts';
import { numOrNull, pageOf, prepare, type Row, str, strOrNull } from './sql-helpers.ts';

function toNumber(r: Row): PhoneNumber {
  return {
    e164: str(r.e164),
    region: str(r.region),
    callerIdName: strOrNull(r.caller_id_name),
    extensionNumber: numOrNull(r.extension_number),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function params(n: PhoneNumber): Record<string, unknown> {
  return {
    e164: n.e164,
    region: n.region,
    name: n.callerIdName,
    ext: n.extensionNumber,
    created: n.createdAt,
    updated: n.updatedAt,
  };
}

export function sqliteNumbers(db: SqlDatabase): NumberRepository {
  const insert = prepare(db, `INSERT INTO numbers (e164, region, caller_id_name, extension_number, created_at,
    updated_at) VALUES (@e164, @region, @name, @ext, @created, @updated)`);
  const update = prepare(db, `UPDATE numbers SET region = @region, caller_id_name = @name, extension_number = @ext,
    updated_at = @updated WHERE e164 = @e164`);
  const get = prepare(db, 'SELECT * FROM numbers WHERE e164 = ?');
  return {
    insert: (n) => void insert.run(params(n)),
    get: (e164) => {
      const row = get.get(e164) as Row | undefined;
      return row && toNumber(row);
    },
    list: (page) => pageOf(db, 'numbers', { sql: '', params: [] }, 'e164', page, toNumber),
    update: (n) => void update.run(params(n)),
    delete: (e164) => void prepare(db, 'DELETE FROM numbers WHERE e164 = ?').run(e164),
    usedAsCallerId: (e164) =>
      prepare(db, 'SELECT number FROM extensions WHERE outbound_caller_id = ? ORDER BY number').pluck().all(e164) as number[],
  };
}
