-- PostgreSQL twin of migrations/400-firmware-rollouts.sql. Firmware lifecycle (docs/FIRMWARE.md):
-- staged rollouts per site and model, each device's progress in one, and firmware alerts.
CREATE TABLE firmware_rollouts (
  id                 TEXT PRIMARY KEY,
  site_id            TEXT NOT NULL REFERENCES sites(id),
  model              TEXT NOT NULL,
  path               TEXT NOT NULL,            -- JSON [{version, file}], oldest first, target last
  revert             TEXT,                     -- JSON {version, file} for halted rings, or NULL (no firmware)
  rings              TEXT NOT NULL,            -- JSON [{name, devices?, percent?}]
  canaries           TEXT NOT NULL,            -- JSON [[deviceId]] per ring, chosen once at creation
  maintenance_window TEXT NOT NULL,            -- JSON {start, end, days?} in the site's time zone
  soak_minutes       INTEGER NOT NULL CHECK (soak_minutes >= 0),
  halt_rule          TEXT NOT NULL,            -- JSON {noReturnMinutes, maxRegistrationLossRate}
  status             TEXT NOT NULL CHECK (status IN ('active', 'halted', 'completed')),
  ring               INTEGER NOT NULL,
  ring_started_at    TEXT NOT NULL,
  ring_completed_at  TEXT,
  halt_reason        TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX firmware_rollouts_site_model ON firmware_rollouts(site_id, model, created_at);

CREATE TABLE firmware_rollout_devices (
  rollout_id      TEXT NOT NULL REFERENCES firmware_rollouts(id) ON DELETE CASCADE,
  device_id       TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  ring            INTEGER NOT NULL,
  version         TEXT,                        -- what the phone last said it runs
  offered_version TEXT,                        -- the hop its config first pointed it at, until installed
  offered_at      TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (rollout_id, device_id)
);

CREATE TABLE firmware_alerts (
  id          TEXT PRIMARY KEY,
  at          TEXT NOT NULL,
  code        TEXT NOT NULL,                   -- FIRMWARE_CORRUPT, FIRMWARE_MISSING, FIRMWARE_UNVERIFIED, ROLLOUT_HALTED
  subject     TEXT NOT NULL,                   -- vendor/file or rollout id
  message     TEXT NOT NULL,
  cleared_at  TEXT
);
CREATE INDEX firmware_alerts_open ON firmware_alerts(cleared_at, at);
