-- The first schema: sites, extensions, users, numbers, profiles, devices, API tokens, audit.
-- Times are ISO-8601 UTC text; JSON columns hold small documents validated by the API.

CREATE TABLE sites (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  networks      TEXT NOT NULL,           -- JSON array of CIDRs
  range_first   INTEGER NOT NULL,
  range_last    INTEGER NOT NULL,
  registrar     TEXT NOT NULL,           -- JSON {host, port?, transport?}
  tftp_secrets  INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CHECK (range_first <= range_last)
);

CREATE TABLE extensions (
  number              INTEGER PRIMARY KEY,
  site_id             TEXT NOT NULL REFERENCES sites(id),
  kind                TEXT NOT NULL CHECK (kind IN ('user', 'standalone')),
  auth_user           TEXT NOT NULL,
  secret              TEXT NOT NULL,
  display_name        TEXT NOT NULL,
  outbound_caller_id  TEXT REFERENCES numbers(e164),
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

CREATE TABLE profiles (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  parent_id   TEXT REFERENCES profiles(id),
  settings    TEXT NOT NULL,             -- JSON ProfileSettings
  revision    INTEGER NOT NULL,
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
  config_revision    INTEGER NOT NULL DEFAULT 1,
  agent_token_hash   TEXT UNIQUE,
  last_seen_at       TEXT,
  last_ip            TEXT,
  last_ua            TEXT,
  last_firmware      TEXT,
  last_file          TEXT,
  last_served_revision INTEGER,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
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

CREATE TABLE audit_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
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
