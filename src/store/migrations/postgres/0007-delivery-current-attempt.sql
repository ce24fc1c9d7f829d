-- A delivery's latest attempt is kept on the delivery's own row; the attempt log keeps the
-- earlier ones. The claim and the outcome already write that row, so a delivery that succeeds at
-- its first attempt, nearly all of them, writes no attempt row at all (before: one inserted at the
-- claim and updated at the outcome). An attempt reaches the log when it stops being the latest:
-- the trigger below when a claim starts the next one (after a retry, or a lease its holder lost),
-- and the release or redrive that ends it (delivery-operations.ts, delivery-queries.ts). Readers
-- add the row's attempt after the log's (eventDeliveries).
-- The attempt's status code and error are the row's last_status_code and last_error once it has
-- finished (attempt_finished_at set), as they were before.
ALTER TABLE workos_inbox_deliveries
  ADD COLUMN attempt_worker text,
  ADD COLUMN attempt_started_at timestamptz,
  ADD COLUMN attempt_finished_at timestamptz,
  ADD COLUMN attempt_outcome text
    CHECK (attempt_outcome IN ('delivered', 'retrying', 'dead', 'paused'));

-- A claim that starts the next attempt logs the one it replaces: finished (its outcome), or still
-- open because its holder died (lease_lost, ended by this claim). Only a claim sets
-- attempt_started_at to a time; a release or redrive logs the attempt itself and clears it. The
-- WHEN clause is tested without calling the function, so a first attempt's claim costs no call.
CREATE FUNCTION workos_inbox_log_delivery_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO workos_inbox_delivery_attempts
    (event_id, destination, attempt, worker, started_at, finished_at, status_code, outcome, error)
  VALUES (OLD.event_id, OLD.destination, OLD.attempts, OLD.attempt_worker, OLD.attempt_started_at,
    COALESCE(OLD.attempt_finished_at, NEW.attempt_started_at),
    CASE WHEN OLD.attempt_finished_at IS NOT NULL THEN OLD.last_status_code END,
    COALESCE(OLD.attempt_outcome, 'lease_lost'),
    CASE WHEN OLD.attempt_finished_at IS NOT NULL THEN OLD.last_error END);
  RETURN NULL;
END
$$;

CREATE TRIGGER workos_inbox_deliveries_log_attempt
  AFTER UPDATE OF attempt_started_at ON workos_inbox_deliveries
  FOR EACH ROW
  WHEN (OLD.attempt_started_at IS NOT NULL AND NEW.attempt_started_at IS NOT NULL)
  EXECUTE FUNCTION workos_inbox_log_delivery_attempt();

-- Each delivery's latest logged attempt moves to its row when it is the row's current one: the
-- attempt in flight of a delivery being delivered, or the finished attempt of one that is not
-- (one a release or redrive ended stays in the log).
WITH latest AS (
  SELECT DISTINCT ON (event_id, destination) *
  FROM workos_inbox_delivery_attempts
  ORDER BY event_id, destination, id DESC
),
moved AS (
  UPDATE workos_inbox_deliveries AS d
  SET attempt_worker = a.worker, attempt_started_at = a.started_at,
    attempt_finished_at = a.finished_at, attempt_outcome = a.outcome
  FROM latest AS a
  WHERE a.event_id = d.event_id AND a.destination = d.destination AND a.attempt = d.attempts
    AND CASE WHEN d.status = 'delivering' THEN a.outcome IS NULL
      ELSE a.outcome IN ('delivered', 'retrying', 'dead', 'paused') END
  RETURNING a.id
)
DELETE FROM workos_inbox_delivery_attempts WHERE id IN (SELECT id FROM moved);
