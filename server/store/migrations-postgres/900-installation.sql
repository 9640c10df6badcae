-- PostgreSQL twin of migrations/900-installation.sql. The installation's identity: a random id
-- made once, carried into every backup so a restore can refuse another installation's file
-- (docs/SECURITY.md "Backup and restore").

CREATE TABLE installation (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  id          TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
-- SQLite writes lower(hex(randomblob(16))): 32 lowercase hex digits. Core PostgreSQL has no random
-- bytes function (gen_random_bytes needs the pgcrypto extension), so the closest faithful form is a
-- version-4 UUID without its dashes: the same 32 lowercase hex digits, 122 of its 128 bits random.
-- The time is formatted like SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), i.e. like JavaScript's
-- toISOString(): 2026-01-31T12:34:56.789Z.
INSERT INTO installation (singleton, id, created_at)
  VALUES (1, replace(gen_random_uuid()::text, '-', ''),
          to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
