import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../server/services/group-commit.ts';

// A real SQLite file in WAL mode, with the store's nested-transaction rule (savepoints).
let dir: string;
let db: Database.Database;
const transaction = <T>(fn: () => T): T => (db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate());
let commits = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-group-commit-'));
  db = new Database(join(dir, 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  commits = 0;
  db.function('count_commit', () => {
    commits += 1;
    return 0;
  });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: number) => () => db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(id, `v${id}`).changes;
const rows = () => (db.prepare('SELECT id FROM t ORDER BY id').all() as { id: number }[]).map((r) => r.id);

describe('group commit', () => {
  it('runs the jobs queued in one turn in one transaction and resolves each after the commit', async () => {
    const group = createGroupCommit({ transaction, beforeBatch: () => db.prepare('SELECT count_commit()').get() });
    const results = Array.from({ length: 50 }, (_, i) => group.run(insert(i)));
    // Nothing is written before the turn ends: the callers have not been acknowledged either.
    expect(rows()).toEqual([]);
    expect(await Promise.all(results)).toEqual(Array(50).fill(1));
    expect(rows()).toHaveLength(50);
    expect(commits).toBe(1);
  });

  it('rolls back only the job that throws; the others of its batch are stored', async () => {
    const group = createGroupCommit({ transaction });
    const ok1 = group.run(insert(1));
    const bad = group.run(() => {
      insert(2)();
      throw new Error('job failed after writing');
    });
    const dup = group.run(insert(1)); // primary key violation
    const ok3 = group.run(insert(3));
    await expect(ok1).resolves.toBe(1);
    await expect(bad).rejects.toThrow('job failed after writing');
    await expect(dup).rejects.toThrow(/UNIQUE/);
    await expect(ok3).resolves.toBe(1);
    expect(rows()).toEqual([1, 3]);
  });

  it('splits a burst larger than maxBatch into several commits, none lost', async () => {
    let batchCount = 0;
    const group = createGroupCommit({ transaction, maxBatch: 64, beforeBatch: () => (batchCount += 1) });
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => group.run(insert(i))));
    expect(all).toHaveLength(200);
    expect(rows()).toHaveLength(200);
    expect(batchCount).toBe(4);
  });

  it('rejects every job of a batch whose commit fails, and stores none of it', async () => {
    const group = createGroupCommit({
      transaction,
      beforeBatch: () => {
        throw new Error('disk full');
      },
    });
    const jobs = [group.run(insert(1)), group.run(insert(2))];
    for (const job of jobs) await expect(job).rejects.toThrow('disk full');
    expect(rows()).toEqual([]);
  });

  it('flush commits the queued jobs at once', async () => {
    const group = createGroupCommit({ transaction });
    const job = group.run(insert(7));
    expect(group.pending).toBe(1);
    await group.flush();
    expect(group.pending).toBe(0);
    expect(rows()).toEqual([7]);
    await expect(job).resolves.toBe(1);
  });
});
