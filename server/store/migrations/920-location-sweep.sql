-- Where the request-evidence sweep got to, shared by every instance on one database: a sweep
-- re-resolves only what changed after the last one, whichever instance made it.
CREATE TABLE location_sweep (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  swept_until  TEXT NOT NULL
);
