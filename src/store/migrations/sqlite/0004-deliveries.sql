-- Forwarding: the destinations every committed event is delivered to, and one delivery per
-- (event, destination) with its own state. A trigger queues the deliveries inside the append's
-- own transaction (the group commit), so an acknowledged event always has its deliveries: no
-- crash window between "stored" and "queued for forwarding".

-- Written by `serve` / `work` at start from --forward-to; the trigger reads it.
CREATE TABLE workos_inbox_destinations (
  name TEXT PRIMARY KEY,
  -- Deliver the events of one directory object one at a time, in created_at order.
  ordered INTEGER NOT NULL DEFAULT 0,
  -- Set when the destination answered 410 Gone; cleared by `deliveries resume`.
  paused_at TEXT,
  paused_reason TEXT
);

-- Event-name patterns ('*' for all, 'dsync.*'), matched with GLOB; characters are validated.
CREATE TABLE workos_inbox_destination_filters (
  destination TEXT NOT NULL REFERENCES workos_inbox_destinations (name) ON DELETE CASCADE,
  pattern TEXT NOT NULL,
  PRIMARY KEY (destination, pattern)
);

CREATE TABLE workos_inbox_deliveries (
  event_id TEXT NOT NULL REFERENCES workos_inbox_events (id) ON DELETE CASCADE,
  destination TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivering', 'delivered', 'retrying', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Due time: next attempt (pending/retrying) or lease expiry (delivering); NULL when finished.
  next_attempt_at TEXT,
  lease_owner TEXT,
  queued_at TEXT NOT NULL,
  event_created_at TEXT NOT NULL,
  -- Ordered destinations only: the directory object the event is about (data.id, else data.user.id).
  ordering_key TEXT,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  PRIMARY KEY (event_id, destination)
);
CREATE INDEX workos_inbox_deliveries_due ON workos_inbox_deliveries
  (destination, next_attempt_at, event_id) WHERE status IN ('pending', 'retrying', 'delivering');
CREATE INDEX workos_inbox_deliveries_status ON workos_inbox_deliveries
  (destination, status, queued_at, event_id);
CREATE INDEX workos_inbox_deliveries_queued ON workos_inbox_deliveries (queued_at, event_id);
CREATE INDEX workos_inbox_deliveries_order ON workos_inbox_deliveries
  (destination, ordering_key, event_created_at, event_id)
  WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering');

-- One row per delivery attempt (a claim starts one).
CREATE TABLE workos_inbox_delivery_attempts (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  worker TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status_code INTEGER,
  outcome TEXT CHECK (outcome IN ('delivered', 'retrying', 'dead', 'paused', 'lease_lost', 'released')),
  error TEXT,
  FOREIGN KEY (event_id, destination)
    REFERENCES workos_inbox_deliveries (event_id, destination) ON DELETE CASCADE
);
CREATE INDEX workos_inbox_delivery_attempts_delivery ON workos_inbox_delivery_attempts
  (event_id, destination, id);

-- Not for the slim copies retention inserts (pruned_at set): those events were queued long ago.
CREATE TRIGGER workos_inbox_events_queue_deliveries AFTER INSERT ON workos_inbox_events
WHEN NEW.pruned_at IS NULL AND EXISTS (SELECT 1 FROM workos_inbox_destinations)
BEGIN
  INSERT INTO workos_inbox_deliveries
    (event_id, destination, status, next_attempt_at, queued_at, event_created_at, ordering_key)
  SELECT NEW.id, d.name, 'pending', NEW.received_at, NEW.received_at, NEW.created_at,
    CASE WHEN d.ordered AND json_valid(CAST(NEW.raw_body AS TEXT)) THEN COALESCE(
      json_extract(CAST(NEW.raw_body AS TEXT), '$.data.id'),
      json_extract(CAST(NEW.raw_body AS TEXT), '$.data.user.id')) END
  FROM workos_inbox_destinations d
  WHERE EXISTS (
    SELECT 1 FROM workos_inbox_destination_filters f
    WHERE f.destination = d.name AND NEW.event GLOB f.pattern
  );
END;
