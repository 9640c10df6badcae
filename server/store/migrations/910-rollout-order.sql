-- Rollouts made in the same millisecond are told apart by the order they were made in (SQLite's
-- rowid did this before; PostgreSQL has no insertion order).
ALTER TABLE firmware_rollouts ADD COLUMN created_seq INTEGER NOT NULL DEFAULT 0;
UPDATE firmware_rollouts SET created_seq = rowid;
