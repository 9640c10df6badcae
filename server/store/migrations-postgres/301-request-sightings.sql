-- PostgreSQL twin of migrations/301-request-sightings.sql. Request evidence besides provisioning
-- fetches: the source address of a device's latest action-URL event, per origin (docs/LOCATION.md).
CREATE TABLE request_sightings (
  device_id        TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  origin           TEXT NOT NULL,            -- what kind of request: 'event'
  ip               TEXT NOT NULL,
  observed_at      TEXT NOT NULL,
  PRIMARY KEY (device_id, origin)
);
