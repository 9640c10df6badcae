-- PostgreSQL twin of migrations/500-site-check-sync.sql. Per-site check-sync switch
-- (docs/DISCOVERY.md "check-sync"): whether deskprov may send SIP NOTIFY check-sync to the site's
-- phones after an edit. 1 keeps the behaviour every site had before.
ALTER TABLE sites ADD COLUMN check_sync_allowed INTEGER NOT NULL DEFAULT 1 CHECK (check_sync_allowed IN (0, 1));
