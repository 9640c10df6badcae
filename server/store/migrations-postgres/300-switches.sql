-- PostgreSQL twin of migrations/300-switches.sql. Agentless location: the switches the server
-- polls over SNMP, the outcome of each one's last poll, and the switch-port evidence each poll
-- found per device (docs/LOCATION.md).
CREATE TABLE switches (
  id               TEXT PRIMARY KEY,
  site_id          TEXT REFERENCES sites(id),
  name             TEXT NOT NULL,
  host             TEXT NOT NULL,            -- management address: IP literal or host name
  port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  snmp_version     TEXT NOT NULL CHECK (snmp_version IN ('2c', '3')),
  credentials      TEXT NOT NULL,            -- JSON SnmpCredentials; secrets, never returned or logged
  uplink_ports     TEXT NOT NULL,            -- JSON array of port names marked as uplinks
  chassis_id       TEXT,                     -- JSON LldpId, learned from the switch or typed by an admin
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (host, port)
);
CREATE INDEX switches_site ON switches(site_id);

CREATE TABLE switch_poll_state (
  switch_id        TEXT PRIMARY KEY REFERENCES switches(id) ON DELETE CASCADE,
  last_poll_at     TEXT,
  last_success_at  TEXT,
  error_code       TEXT,
  error_message    TEXT,
  failing_since    TEXT,
  -- Counts of one poll (bounded by a switch's forwarding table), not running totals: INTEGER.
  macs_seen        INTEGER NOT NULL DEFAULT 0,
  phones_located   INTEGER NOT NULL DEFAULT 0,
  uplinks          TEXT NOT NULL DEFAULT '[]' -- JSON [{portId, reason, macs}]
);

-- Where each poll last found a device: one row per device and switch that sees it on an access port.
CREATE TABLE switch_sightings (
  device_id        TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  switch_id        TEXT NOT NULL REFERENCES switches(id) ON DELETE CASCADE,
  network          TEXT NOT NULL,            -- JSON NetworkEvidence {lldp: {chassisId, portId}}
  observed_at      TEXT NOT NULL,
  PRIMARY KEY (device_id, switch_id)
);
CREATE INDEX switch_sightings_switch ON switch_sightings(switch_id);
