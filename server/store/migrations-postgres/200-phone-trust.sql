-- PostgreSQL twin of migrations/200-phone-trust.sql. Phone-facing trust (docs/SECURITY.md):
-- per-device HTTP credentials with their claim window, the last bytes served per device file
-- (masked, for ?diff=served), and Poly uploads. SQLite's BLOB is BYTEA (pg returns a Buffer).

CREATE TABLE device_http_credentials (
  device_id          TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  username           TEXT NOT NULL UNIQUE,
  -- Kept readable: it is written into the phone's config, and Digest needs the password itself
  -- (RFC 7616 §3.4.2 HA1). Same standing as extensions.secret.
  secret             TEXT NOT NULL,
  -- Trust on first use: without credentials the device's files are served until this time
  -- (NULL: the device's last update plus the server's claim window).
  claim_open_until   TEXT,
  -- When and to whom the credentials were first handed out; after a short grace for the rest
  -- of that boot (same source address), credentials are required.
  handed_out_at      TEXT,
  handed_out_ip      TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);

CREATE TABLE device_served_files (
  device_id    TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  file         TEXT NOT NULL,
  revision     TEXT NOT NULL,
  etag         TEXT NOT NULL,
  masked_body  BYTEA NOT NULL,          -- the served file with every secret masked
  at           TEXT NOT NULL,
  ip           TEXT,
  user_agent   TEXT,
  firmware     TEXT,
  transport    TEXT NOT NULL CHECK (transport IN ('http', 'https', 'tftp')),
  PRIMARY KEY (device_id, file)
);

CREATE TABLE device_uploads (
  device_id    TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  file         TEXT NOT NULL,
  body         BYTEA NOT NULL,
  at           TEXT NOT NULL,
  PRIMARY KEY (device_id, file)
);
