-- PostgreSQL twin of migrations/910-rollout-order.sql. Rollouts made in the same millisecond are
-- told apart by the order they were made in; the store sets it to MAX + 1, a counter, so BIGINT.
ALTER TABLE firmware_rollouts ADD COLUMN created_seq BIGINT NOT NULL DEFAULT 0;
-- SQLite numbers existing rows by rowid (insertion order). PostgreSQL has no rowid; the closest
-- faithful form is creation time, then physical position (ctid), which follows insertion order for
-- rows never updated in place. A PostgreSQL database made with this set has no rollouts yet here.
UPDATE firmware_rollouts AS f SET created_seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, ctid) AS n FROM firmware_rollouts) AS o
  WHERE f.id = o.id;
