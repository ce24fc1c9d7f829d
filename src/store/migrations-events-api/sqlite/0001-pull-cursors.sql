-- The Events API puller: where each cursor stands, committed with the page it covers.
-- after_id: the last event id the Events API itself returned (never a webhook's id: WorkOS holds
-- new events back from cursor reads for a few seconds). range_start: before any event was
-- returned, the start of the range asked for (WorkOS does not accept it together with `after`).
CREATE TABLE workos_inbox_pull_cursors (
  name TEXT PRIMARY KEY,
  after_id TEXT,
  range_start TEXT,
  updated_at TEXT NOT NULL
);

-- Named leases: with several processes, only the holder of 'events_api_puller' pulls.
CREATE TABLE workos_inbox_named_leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- A fourth source, 'events_api'. SQLite cannot alter a CHECK constraint; rather than rebuild the
-- table (which would have to list every column and trigger of every other component), swap in a
-- column with the wider constraint. DROP COLUMN accepts a column whose CHECK is its own.
ALTER TABLE workos_inbox_events ADD COLUMN source_next TEXT NOT NULL DEFAULT 'webhook'
  CHECK (source_next IN ('webhook', 'replay', 'api', 'events_api'));
UPDATE workos_inbox_events SET source_next = source;
ALTER TABLE workos_inbox_events DROP COLUMN source;
ALTER TABLE workos_inbox_events RENAME COLUMN source_next TO source;
