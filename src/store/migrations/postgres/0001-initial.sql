-- The inbox: one row per event id, kept forever (the primary key is the permanent dedup).
CREATE TABLE workos_inbox_events (
  id text PRIMARY KEY,
  event text NOT NULL,
  created_at text NOT NULL,
  received_at timestamptz NOT NULL,
  raw_body bytea NOT NULL,
  source text NOT NULL CHECK (source IN ('webhook', 'replay', 'api')),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'done', 'retrying', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  -- Due time: next attempt (pending/retrying) or lease expiry (processing); NULL when done/dead.
  next_attempt_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  processed_at timestamptz
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
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id text NOT NULL REFERENCES workos_inbox_events (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  worker text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  outcome text CHECK (outcome IN ('done', 'retrying', 'dead', 'lease_lost', 'released')),
  error text
);
CREATE INDEX workos_inbox_attempts_event ON workos_inbox_attempts (event_id, id);
