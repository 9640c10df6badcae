-- The installation's identity: a random id made once, carried into every backup so a restore
-- can refuse another installation's file (docs/SECURITY.md "Backup and restore").
-- Numbered high so feature migrations keep their ranges.

CREATE TABLE installation (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  id          TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
INSERT INTO installation (singleton, id, created_at)
  VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
