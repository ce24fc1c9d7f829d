-- An outcome now writes when its attempt's request went out: later than the claim when the
-- delivery waited in the destination's queue (a rate limit, a slow destination's turn), and the
-- claim's time is what the attempt showed before. Only a claim starts an attempt, and a claim
-- clears attempt_finished_at while an outcome sets it, so the trigger keeps logging the attempt a
-- claim replaces and no longer fires for the outcome that ends one.
DROP TRIGGER workos_inbox_deliveries_log_attempt ON workos_inbox_deliveries;

CREATE TRIGGER workos_inbox_deliveries_log_attempt
  AFTER UPDATE OF attempt_started_at ON workos_inbox_deliveries
  FOR EACH ROW
  WHEN (OLD.attempt_started_at IS NOT NULL AND NEW.attempt_started_at IS NOT NULL
    AND NEW.attempt_finished_at IS NULL)
  EXECUTE FUNCTION workos_inbox_log_delivery_attempt();
