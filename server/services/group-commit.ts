/**
 * Group commit: writes that arrive while one event-loop turn runs share one transaction, so a
 * burst of small writes pays for one durable commit (`synchronous = FULL` waits for the disk on
 * every COMMIT) instead of one each. Each job runs in its own savepoint inside the batch: a job
 * that throws rolls back alone and rejects only its own promise. Every promise settles after the
 * batch's COMMIT, so a caller that answers "accepted" on resolution never acknowledges a write
 * that is not on disk.
 */
export interface GroupCommitOptions {
  /** Runs `fn` in one transaction; a nested call must become a savepoint (SqliteStore.transaction). */
  transaction<T>(fn: () => T): T;
  /** Jobs per transaction at most; a full batch commits without waiting for the turn to end. */
  maxBatch?: number;
  /** Called once per committed batch, inside the transaction, before the jobs (e.g. housekeeping). */
  beforeBatch?: () => void;
}

export interface GroupCommit {
  /** Queues `job` for the next batch; settles with its result after that batch commits. */
  run<T>(job: () => T): Promise<T>;
  /** Commits what is queued now; resolves when every queued job has settled. */
  flush(): Promise<void>;
  /** Jobs queued and not yet committed. */
  readonly pending: number;
}

interface Queued {
  job: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function createGroupCommit(opts: GroupCommitOptions): GroupCommit {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Queued[] = [];
  let scheduled = false;
  let settled: Promise<void> = Promise.resolve();

  function commit(batch: Queued[]): void {
    let outcomes: Outcome[];
    try {
      outcomes = opts.transaction(() => {
        opts.beforeBatch?.();
        return batch.map((q): Outcome => {
          try {
            return { ok: true, value: opts.transaction(q.job) };
          } catch (error) {
            return { ok: false, error };
          }
        });
      });
    } catch (error) {
      // The COMMIT itself (or the housekeeping) failed: nothing of the batch is stored.
      for (const q of batch) q.reject(error);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }

  function drain(): void {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      commit(batch);
    }
  }

  return {
    run<T>(job: () => T): Promise<T> {
      const done = new Promise<T>((resolve, reject) => {
        queue.push({ job, resolve: resolve as (v: unknown) => void, reject });
      });
      if (queue.length >= maxBatch) drain();
      else if (!scheduled) {
        scheduled = true;
        // setImmediate, not a timer: requests already parsed in this turn join the batch, and an
        // idle server adds no latency.
        setImmediate(drain);
      }
      settled = done.then(
        () => undefined,
        () => undefined,
      );
      return done;
    },
    async flush(): Promise<void> {
      drain();
      await settled;
    },
    get pending() {
      return queue.length;
    },
  };
}
