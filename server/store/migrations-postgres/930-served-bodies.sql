-- The masked copy of each served file moves to its own table, written only when the file's
-- revision changes: a phone fetching an unchanged file then updates a small row instead of
-- rewriting a row that carries its whole body (docs/PERFORMANCE.md).
CREATE TABLE device_served_bodies (
  device_id    TEXT NOT NULL,
  file         TEXT NOT NULL,
  revision     TEXT NOT NULL,           -- the served file's revision this body is of
  masked_body  BYTEA NOT NULL,          -- the served file with every secret masked
  PRIMARY KEY (device_id, file),
  FOREIGN KEY (device_id, file) REFERENCES device_served_files (device_id, file) ON DELETE CASCADE
);

INSERT INTO device_served_bodies (device_id, file, revision, masked_body)
  SELECT device_id, file, revision, masked_body FROM device_served_files;

ALTER TABLE device_served_files DROP COLUMN masked_body;
