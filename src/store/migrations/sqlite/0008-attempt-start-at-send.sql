-- An outcome now writes when its attempt's request went out: later than the claim when the
-- delivery waited in the destination's queue (a rate limit, a slow destination's turn), and the
-- claim's time is what the attempt showed before. Only a claim starts an attempt, and a claim
-- clears attempt_finished_at while an outcome sets it, so the trigger keeps logging the attempt a
-- claim replaces and no longer fires for the outcome that ends one.
DROP TRIGGER workos_inbox_deliveries_log_attempt;

CREATE TRIGGER workos_inbox_deliveries_log_attempt
AFTER UPDATE OF attempt_started_at ON workos_inbox_deliveries
WHEN OLD.attempt_started_at IS NOT NULL AND NEW.attempt_started_at IS NOT NULL
  AND NEW.attempt_finished_at IS NULL
BEGIN
  INSERT INTO workos_inbox_delivery_attempts
    (event_id, destination, attempt, worker, started_at, finished_at, status_code, outcome, error)
  VALUES (OLD.event_id, OLD.destination, OLD.attempts, OLD.attempt_worker, OLD.attempt_started_at,
    COALESCE(OLD.attempt_finished_at, NEW.attempt_started_at),
    CASE WHEN OLD.attempt_finished_at IS NOT NULL THEN OLD.last_status_code END,
    COALESCE(OLD.attempt_outcome, 'lease_lost'),
    CASE WHEN OLD.attempt_finished_at IS NOT NULL THEN OLD.last_error END);
END;
