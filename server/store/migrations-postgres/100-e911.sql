-- PostgreSQL twin of migrations/100-e911.sql. E911: emergency locations, the network map that
-- places devices, and each device's last report, resolved location and seen report ids
-- (idempotency keys).
CREATE TABLE e911_locations (
  id               TEXT PRIMARY KEY,
  site_id          TEXT NOT NULL REFERENCES sites(id),
  name             TEXT NOT NULL,
  address          TEXT NOT NULL,            -- JSON RFC 5139 address fields
  place            TEXT NOT NULL,            -- JSON RFC 5139 in-building fields
  callback_number  TEXT NOT NULL UNIQUE REFERENCES numbers(e164),
  notify_targets   TEXT NOT NULL,            -- JSON array of URIs
  status           TEXT NOT NULL CHECK (status IN ('pending', 'registered', 'failed')),
  status_message   TEXT,
  is_default       INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX e911_locations_site ON e911_locations(site_id);
-- One default location per site.
CREATE UNIQUE INDEX e911_locations_site_default ON e911_locations(site_id) WHERE is_default = 1;

CREATE TABLE e911_network_map (
  id           TEXT PRIMARY KEY,
  location_id  TEXT NOT NULL REFERENCES e911_locations(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('bssid', 'switchPort', 'switch', 'subnet')),
  key          TEXT NOT NULL,                -- normalised identifier (domain/network-map.ts)
  entry        TEXT NOT NULL,                -- JSON of the normalised entry
  created_at   TEXT NOT NULL,
  UNIQUE (kind, key)
);
CREATE INDEX e911_network_map_location ON e911_network_map(location_id);

CREATE TABLE e911_device_state (
  device_id             TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  assigned_location_id  TEXT REFERENCES e911_locations(id) ON DELETE SET NULL,
  last_report           TEXT,                -- JSON of the newest agent report
  last_report_at        TEXT,                -- when the server received it
  last_evidence_at      TEXT,                -- when network evidence last arrived
  resolution            TEXT,                -- JSON Resolution at the last report
  updated_at            TEXT NOT NULL
);

CREATE TABLE e911_report_ids (
  device_id    TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  report_id    TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  PRIMARY KEY (device_id, report_id)
);
CREATE INDEX e911_report_ids_received ON e911_report_ids(received_at);
