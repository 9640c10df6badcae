import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import type { SqlDatabase, SqlRunResult, SqlStatement, SqlTransaction } from '../sql-database.ts';
import type { PeerNotices } from './peer-notices.ts';
import { bindParameters, translateSql, type TranslatedSql } from './translate-sql.ts';

const WORKER = fileURLToPath(new URL('./pg-worker.mjs', import.meta.url));

/**
 * Every `immediate` transaction (the services' `store.transaction`, migrations) takes this one
 * advisory lock first (postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS): they
 * run one after another on all instances, as SQLite's single writer does, so the services'
 * read-then-write rules (the lowest free extension, the claim window) hold across instances
 * without a retry loop in each of them. A plain transaction (the phone pipeline's served-file
 * records: upserts of one device's own rows) does not wait for it: the lock is waited for with the
 * event loop stopped, and a fetch's bookkeeping must not queue behind another instance's edit.
 */
const WRITE_LOCK = 4_242_001;

/** The channel every instance listens on; the payload is the writer's instance id. */
export const WRITES_CHANNEL = 'deskprov_writes';

export interface PostgresOptions {
  /** Longest a statement may run before PostgreSQL cancels it (ms). */
  statementTimeoutMs?: number;
  /** Longest to wait for a connection (ms). */
  connectTimeoutMs?: number;
}

type WorkerAnswer<T> = { ok: T } | { error: { message: string; code: string | null } };
type Call = (op: string, ...args: unknown[]) => WorkerAnswer<unknown>;

let call: Call | undefined;
// One worker per process (synckit keeps one per file), holding every connection of the process.
function worker(timeoutMs: number): Call {
  call ??= createSyncFn(WORKER, { timeout: timeoutMs }) as Call;
  return call;
}

function unwrap<T>(answer: WorkerAnswer<T>): T {
  if ('ok' in answer) return answer.ok;
  throw Object.assign(new Error(answer.error.message), { code: answer.error.code ?? undefined });
}

interface QueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/**
 * A PostgreSQL database behind the synchronous API the repositories use (sql-database.ts).
 * Each call waits for its answer: one connection per instance, used in order, like the single
 * SQLite connection it stands in for. Statements are prepared on the server once per text.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly engine = 'postgres' as const;
  /** This instance's name in write notifications, so it can tell its own writes from others'. */
  readonly instanceId = randomUUID();
  /** Notices from the other instances (attached by the opener once it listens). */
  peers: PeerNotices | null = null;
  private depth = 0;
  private wroteInTransaction = false;
  private readonly translated = new Map<string, { sql: TranslatedSql; name: string }>();
  private readonly call: Call;
  private readonly id: number;
  private open = true;

  constructor(readonly url: string, options: PostgresOptions = {}) {
    const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    this.call = worker(statementTimeoutMs + 5_000);
    this.id = unwrap(
      this.call('open', url, {
        statement_timeout: statementTimeoutMs,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        application_name: 'deskprov',
      }) as WorkerAnswer<{ id: number }>,
    ).id;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** Runs one statement; `text` is PostgreSQL already. */
  query(text: string, values: unknown[] | null, name: string | null = null): QueryResult {
    if (!this.open) throw Object.assign(new Error('database connection is not open'), { code: 'DESKPROV_CLOSED' });
    return unwrap(this.call('query', this.id, text, values, name, this.depth > 0) as WorkerAnswer<QueryResult>);
  }

  prepare(sql: string): SqlStatement {
    let entry = this.translated.get(sql);
    if (entry === undefined) {
      entry = { sql: translateSql(sql), name: `deskprov_${this.translated.size + 1}` };
      this.translated.set(sql, entry);
    }
    return new PostgresStatement(this, entry.sql, entry.name);
  }

  exec(sql: string): this {
    this.query(sql, null);
    return this;
  }

  transaction<F extends (...args: any[]) => unknown>(fn: F): SqlTransaction<F> {
    const run = (...args: unknown[]): ReturnType<F> => this.inTransactionRun(() => fn(...args) as ReturnType<F>, false);
    const immediate = (...args: unknown[]): ReturnType<F> => this.inTransactionRun(() => fn(...args) as ReturnType<F>, true);
    return Object.assign(run, { immediate }) as SqlTransaction<F>;
  }

  /**
   * A write the phone pipeline may read from happened: other instances drop what they remember.
   * In a transaction the notice goes out with the commit (PostgreSQL delivers NOTIFY at commit).
   */
  noteWrite(): void {
    if (this.depth > 0) this.wroteInTransaction = true;
    else this.notifyWrite();
  }

  /** Sends `payload` to the other instances listening on `channel` (at commit, inside a transaction). */
  notifyPeers(channel: string, payload = ''): void {
    this.query('SELECT pg_notify($1, $2)', [channel, this.noticeOf(payload)], 'deskprov_notify');
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.call('close', this.id);
    void this.peers?.close();
  }

  /** A notice's payload: the sender first, so peers skip their own (postgres/peer-notices.ts). */
  private noticeOf(payload: string): string {
    return `${this.instanceId} ${payload}`;
  }

  private notifyWrite(): void {
    this.notifyPeers(WRITES_CHANNEL);
  }

  private inTransactionRun<T>(fn: () => T, locked: boolean): T {
    const savepoint = this.depth > 0 ? `deskprov_sp_${this.depth}` : null;
    // One round trip for the start and the lock (the simple protocol takes both statements).
    const begin = locked ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})` : 'BEGIN';
    this.query(savepoint === null ? begin : `SAVEPOINT ${savepoint}`, null);
    if (savepoint === null) this.wroteInTransaction = false;
    this.depth += 1;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.depth -= 1;
      this.rollback(savepoint);
      throw err;
    }
    this.depth -= 1;
    try {
      if (savepoint !== null) {
        this.query(`RELEASE SAVEPOINT ${savepoint}`, null);
      } else {
        // The notice and the commit in one round trip; the payload is only this instance's own UUID.
        this.query(this.wroteInTransaction ? `SELECT pg_notify('${WRITES_CHANNEL}', '${this.noticeOf('')}'); COMMIT` : 'COMMIT', null);
      }
    } catch (err) {
      this.rollback(savepoint);
      throw err;
    }
    return result;
  }

  private rollback(savepoint: string | null): void {
    try {
      if (savepoint === null) this.query('ROLLBACK', null);
      else this.query(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`, null);
    } catch {
      // The connection is gone: PostgreSQL ended the transaction with it.
    }
  }
}

class PostgresStatement implements SqlStatement {
  private plucking = false;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly sql: TranslatedSql,
    private readonly name: string,
  ) {}

  pluck(toggle = true): this {
    this.plucking = toggle;
    return this;
  }

  get(...params: unknown[]): unknown {
    const row = this.execute(params).rows[0];
    return row === undefined ? undefined : this.shape(row);
  }

  all(...params: unknown[]): unknown[] {
    return this.execute(params).rows.map((row) => this.shape(row));
  }

  run(...params: unknown[]): SqlRunResult {
    return { changes: this.execute(params).rowCount, lastInsertRowid: 0 };
  }

  private execute(params: unknown[]): QueryResult {
    return this.db.query(this.sql.text, bindParameters(this.sql, params), this.name);
  }

  private shape(row: Record<string, unknown>): unknown {
    for (const key in row) {
      const value = row[key];
      // bytea crosses from the worker as a plain Uint8Array; the repositories expect a Buffer.
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
      if (this.plucking) return row[key];
    }
    return this.plucking ? undefined : row;
  }
}
