import { type DeskprovError, appError, isAppError } from '../errors.ts';
import type { Store } from '../store/repositories.ts';

/** One bad row of an import, as `IMPORT_REJECTED` lists it (docs/errors.md). */
export interface RowError {
  line: number;
  code: string;
  field?: string;
  message: string;
  /** As the error would carry alone, e.g. `closeMatches` for an unknown model. */
  details?: Record<string, unknown>;
}

/** Thrown inside the transaction to roll the whole import back. */
class Rejected extends Error {}

/**
 * Applies every row in order inside one transaction, each row in its own savepoint, so every row
 * is checked against the store plus the rows before it. Any bad row rolls everything back and
 * `IMPORT_REJECTED` lists each bad row with its line: all or nothing. `finish` runs inside the
 * transaction once every row is in (the audit entry) and gives the result.
 */
export function importAllOrNothing<R extends { line: number }, T>(
  store: Pick<Store, 'transaction'>,
  rows: readonly R[],
  applyRow: (row: R) => void,
  finish: () => T,
): T {
  const errors: RowError[] = [];
  try {
    return store.transaction(() => {
      for (const row of rows) {
        try {
          store.transaction(() => applyRow(row));
        } catch (err) {
          if (!isAppError(err)) throw err;
          const e = err as DeskprovError;
          errors.push({
            line: row.line,
            code: e.code,
            message: e.message,
            ...(e.field === undefined ? {} : { field: e.field }),
            ...(e.details === undefined ? {} : { details: e.details }),
          });
        }
      }
      if (errors.length > 0) throw new Rejected();
      return finish();
    });
  } catch (err) {
    if (!(err instanceof Rejected)) throw err;
    throw appError('IMPORT_REJECTED', `${errors.length} of ${rows.length} rows are invalid; nothing was imported`, {
      details: { errors },
    });
  }
}
