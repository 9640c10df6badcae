/**
 * What the repositories use of a database: better-sqlite3's synchronous API, narrowed to the
 * calls they make. A better-sqlite3 `Database` is one; `postgres/postgres-database.ts` is the
 * other, so every repository runs unchanged on either engine.
 */
export interface SqlRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqlStatement {
  get(...params: any[]): unknown;
  all(...params: any[]): unknown[];
  run(...params: any[]): SqlRunResult;
  /** From now on `get` gives the first column's value and `all` a list of them. */
  pluck(toggle?: boolean): this;
}

type ArgumentsOf<F> = F extends (...args: infer A) => unknown ? A : never;

export type SqlTransaction<F extends (...args: any[]) => unknown> = {
  (...args: ArgumentsOf<F>): ReturnType<F>;
  /** Takes the write lock at the start, so two writers never interleave. */
  immediate(...args: ArgumentsOf<F>): ReturnType<F>;
};

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  /** Runs `fn` in a transaction, or in a savepoint when one is already open. */
  transaction<F extends (...args: any[]) => unknown>(fn: F): SqlTransaction<F>;
  readonly inTransaction: boolean;
  close(): unknown;
}

export type SqlEngine = 'sqlite' | 'postgres';

/** The engine behind a database: PostgreSQL databases say so, a better-sqlite3 one says nothing. */
export function engineOf(db: SqlDatabase): SqlEngine {
  return (db as { engine?: SqlEngine }).engine ?? 'sqlite';
}
