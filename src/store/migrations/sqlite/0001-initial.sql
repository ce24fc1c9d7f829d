-- The inbox: one row per event id, kept forever (the primary key is the permanent dedup).
-- Timestamps are ISO-8601 UTC text ('2026-01-02T03:04:05.678Z'), which sorts like time.
CREATE TABLE workos_inbox_events (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  created_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  raw_body BLOB NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('webhook', 'replay', 'api')),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'done', 'retrying', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Due time: next attempt (pending/retrying) or lease expiry (processing); NULL when done/dead.
  next_attempt_at TEXT,
  lease_owner TEXT,
  lease_expires_at TEXT,
  last_error TEXT,
  processed_at TEXT
);

-- Claiming: due events in due order, only over rows that can still be claimed.
CREATE INDEX workos_inbox_events_due ON workos_inbox_events (next_attempt_at, id)
  WHERE status IN ('pending', 'retrying', 'processing');
-- Listing with keyset pagination, optionally by status or event name.
CREATE INDEX workos_inbox_events_received ON workos_inbox_events (received_at, id);
CREATE INDEX workos_inbox_events_status_received ON workos_inbox_events (status, received_at, id);
CREATE INDEX workos_inbox_events_event_received ON workos_inbox_events (event, received_at, id);
-- releaseLeases(owner) on shutdown.
CREATE INDEX workos_inbox_events_lease_owner ON workos_inbox_events (lease_owner)
  WHERE status = 'processing';

-- One row per processing attempt (a claim starts one).
CREATE TABLE workos_inbox_attempts (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES workos_inbox_events (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  worker TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT CHECK (outcome IN ('done', 'retrying', 'dead', 'lease_lost', 'released')),
  error TEXT
);
CREATE INDEX workos_inbox_attempts_event ON workos_inbox_attempts (event_id, id);
