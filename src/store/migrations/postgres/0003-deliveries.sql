-- Forwarding: the destinations every committed event is delivered to, and one delivery per
-- (event, destination) with its own state. A statement trigger queues the deliveries inside the
-- append's own statement (the group commit), so an acknowledged event always has its deliveries.

-- Written by `serve` / `work` at start from --forward-to; the trigger reads it.
CREATE TABLE workos_inbox_destinations (
  name text PRIMARY KEY,
  -- Deliver the events of one directory object one at a time, in created_at order.
  ordered boolean NOT NULL DEFAULT false,
  -- Set when the destination answered 410 Gone; cleared by `deliveries resume`.
  paused_at timestamptz,
  paused_reason text
);

-- Event-name patterns ('*' for all, 'dsync.*'); characters are validated, '*' becomes LIKE's '%'.
CREATE TABLE workos_inbox_destination_filters (
  destination text NOT NULL REFERENCES workos_inbox_destinations (name) ON DELETE CASCADE,
  pattern text NOT NULL,
  PRIMARY KEY (destination, pattern)
);

CREATE TABLE workos_inbox_deliveries (
  event_id text NOT NULL REFERENCES workos_inbox_events (id) ON DELETE CASCADE,
  destination text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivering', 'delivered', 'retrying', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  -- Due time: next attempt (pending/retrying) or lease expiry (delivering); NULL when finished.
  next_attempt_at timestamptz,
  lease_owner text,
  queued_at timestamptz NOT NULL,
  event_created_at text NOT NULL,
  -- Ordered destinations only: the directory object the event is about (data.id, else data.user.id).
  ordering_key text,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
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
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id text NOT NULL,
  destination text NOT NULL,
  attempt integer NOT NULL,
  worker text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  status_code integer,
  outcome text CHECK (outcome IN ('delivered', 'retrying', 'dead', 'paused', 'lease_lost', 'released')),
  error text,
  FOREIGN KEY (event_id, destination)
    REFERENCES workos_inbox_deliveries (event_id, destination) ON DELETE CASCADE
);
CREATE INDEX workos_inbox_delivery_attempts_delivery ON workos_inbox_delivery_attempts
  (event_id, destination, id);

-- One INSERT per append statement (the batch), over the rows it actually inserted (duplicates
-- are not in the transition table).
CREATE FUNCTION workos_inbox_queue_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM workos_inbox_destinations) THEN
    RETURN NULL;
  END IF;
  INSERT INTO workos_inbox_deliveries
    (event_id, destination, status, next_attempt_at, queued_at, event_created_at, ordering_key)
  SELECT e.id, d.name, 'pending', e.received_at, e.received_at, e.created_at,
    CASE WHEN d.ordered THEN COALESCE(
      convert_from(e.raw_body, 'UTF8')::jsonb #>> '{data,id}',
      convert_from(e.raw_body, 'UTF8')::jsonb #>> '{data,user,id}') END
  FROM workos_inbox_new_events e CROSS JOIN workos_inbox_destinations d
  WHERE EXISTS (
    SELECT 1 FROM workos_inbox_destination_filters f
    WHERE f.destination = d.name
      AND e.event LIKE replace(replace(f.pattern, '_', '\_'), '*', '%')
  );
  RETURN NULL;
END
$$;

CREATE TRIGGER workos_inbox_events_queue_deliveries AFTER INSERT ON workos_inbox_events
  REFERENCING NEW TABLE AS workos_inbox_new_events
  FOR EACH STATEMENT EXECUTE FUNCTION workos_inbox_queue_deliveries();
