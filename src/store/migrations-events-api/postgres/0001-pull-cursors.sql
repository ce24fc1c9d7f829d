-- The Events API puller: where each cursor stands, committed with the page it covers.
-- after_id: the last event id the Events API itself returned (never a webhook's id: WorkOS holds
-- new events back from cursor reads for a few seconds). range_start: before any event was
-- returned, the start of the range asked for (WorkOS does not accept it together with `after`).
CREATE TABLE workos_inbox_pull_cursors (
  name text PRIMARY KEY,
  after_id text,
  range_start text,
  updated_at timestamptz NOT NULL
);

-- Named leases: with several processes, only the holder of 'events_api_puller' pulls.
CREATE TABLE workos_inbox_named_leases (
  name text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- A fourth source, 'events_api'.
ALTER TABLE workos_inbox_events DROP CONSTRAINT workos_inbox_events_source_check;
ALTER TABLE workos_inbox_events ADD CONSTRAINT workos_inbox_events_source_check
  CHECK (source IN ('webhook', 'replay', 'api', 'events_api'));
