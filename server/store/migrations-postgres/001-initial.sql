-- PostgreSQL twin of migrations/001-initial.sql: the same tables, columns (same order) and
-- constraints. Times are ISO-8601 UTC text; JSON columns hold small documents validated by the API.
-- TEXT stays TEXT (JSON included: the code stores and reads JSON text).

CREATE TABLE sites (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  networks      TEXT NOT NULL,           -- JSON array of CIDRs
  -- Extension numbers are at most 999 999 999 (API schema), inside INTEGER.
  range_first   INTEGER NOT NULL,
  range_last    INTEGER NOT NULL,
  registrar     TEXT NOT NULL,           -- JSON {host, port?, transport?}
  tftp_secrets  INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CHECK (range_first <= range_last)
);

-- The number is chosen by the store (lowest free of the site's range), never generated: in SQLite
-- it is a rowid alias only by accident of its type, so here it is a plain INTEGER key.
CREATE TABLE extensions (
  number              INTEGER PRIMARY KEY,
  site_id             TEXT NOT NULL REFERENCES sites(id),
  kind                TEXT NOT NULL CHECK (kind IN ('user', 'standalone')),
  auth_user           TEXT NOT NULL,
  secret              TEXT NOT NULL,
  display_name        TEXT NOT NULL,
  -- References numbers(e164); PostgreSQL needs the table to exist first, so the foreign key is
  -- added below, after numbers.
  outbound_caller_id  TEXT,
  voicemail           INTEGER NOT NULL DEFAULT 0,
  -- Set when the owner went away (user deleted, device unbound): kept for restore until then.
  retained_until      TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX extensions_site ON extensions(site_id, number);

CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  email             TEXT NOT NULL UNIQUE,  -- stored lower-case
  role              TEXT NOT NULL CHECK (role IN ('super-admin', 'admin', 'installer', 'user')),
  site_id           TEXT NOT NULL REFERENCES sites(id),
  licensed          INTEGER NOT NULL DEFAULT 1,
  extension_number  INTEGER NOT NULL UNIQUE REFERENCES extensions(number),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX users_site ON users(site_id);

CREATE TABLE numbers (
  e164              TEXT PRIMARY KEY,
  region            TEXT NOT NULL,
  caller_id_name    TEXT,
  extension_number  INTEGER REFERENCES extensions(number) ON DELETE SET NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);

ALTER TABLE extensions ADD FOREIGN KEY (outbound_caller_id) REFERENCES numbers(e164);

CREATE TABLE profiles (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  parent_id   TEXT REFERENCES profiles(id),
  settings    TEXT NOT NULL,             -- JSON ProfileSettings
  revision    BIGINT NOT NULL,           -- bumped on every edit: a counter, so BIGINT
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE devices (
  id                 TEXT PRIMARY KEY,
  mac                TEXT NOT NULL UNIQUE,   -- 12 lowercase hex
  model              TEXT NOT NULL,
  site_id            TEXT REFERENCES sites(id),
  profile_id         TEXT REFERENCES profiles(id),
  label              TEXT,
  state              TEXT NOT NULL CHECK (state IN ('discovered', 'awaiting-claim', 'provisioned', 'retired')),
  binding_kind       TEXT CHECK (binding_kind IN ('user', 'standalone')),
  user_id            TEXT REFERENCES users(id),
  extension_number   INTEGER REFERENCES extensions(number),
  -- Retention: the binding an unbinding took away, restorable until restore_until.
  restorable         TEXT,                   -- JSON {kind, userId, extensionNumber, configRevision}
  restore_until      TEXT,
  config_revision    BIGINT NOT NULL DEFAULT 1, -- bumped on every change: a counter, so BIGINT
  agent_token_hash   TEXT UNIQUE,
  last_seen_at       TEXT,
  last_ip            TEXT,
  last_ua            TEXT,
  last_firmware      TEXT,
  last_file          TEXT,
  last_served_revision BIGINT,               -- a config_revision value
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  -- Boolean = boolean; a NULL side leaves the check passing, as in SQLite.
  CHECK ((binding_kind IS NULL) = (extension_number IS NULL)),
  CHECK ((binding_kind = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX devices_site ON devices(site_id);
CREATE INDEX devices_state ON devices(state);
CREATE INDEX devices_user ON devices(user_id);
CREATE INDEX devices_restore_until ON devices(restore_until) WHERE restore_until IS NOT NULL;
-- A standalone extension belongs to exactly one device.
CREATE UNIQUE INDEX devices_standalone_extension ON devices(extension_number) WHERE binding_kind = 'standalone';

CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('super-admin', 'admin', 'installer')),
  user_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
  site_id     TEXT REFERENCES sites(id),
  hash        TEXT NOT NULL UNIQUE,       -- SHA-256 hex of the token; the token itself is never stored
  bootstrap   INTEGER NOT NULL DEFAULT 0, -- the first-start super-admin token
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

-- SQLite's INTEGER PRIMARY KEY AUTOINCREMENT: an ever-growing sequence number, never reused.
CREATE TABLE audit_events (
  seq          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at           TEXT NOT NULL,
  actor_id     TEXT,                      -- token id; null for the system (retention job, start-up)
  actor_name   TEXT NOT NULL,
  action       TEXT NOT NULL,             -- e.g. device.create, extension.secret.reveal
  entity_type  TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  before       TEXT,                      -- JSON, secrets masked
  after        TEXT                       -- JSON, secrets masked
);
CREATE INDEX audit_entity ON audit_events(entity_type, entity_id);
CREATE INDEX audit_at ON audit_events(at);
