-- Retention: `prune` empties the payload of old processed events and deletes their attempts, but
-- keeps the row (id, name, times), so the primary key stays the permanent dedup of redeliveries.
ALTER TABLE workos_inbox_events ADD COLUMN pruned_at timestamptz;

-- The events prune may still take, oldest first. A pruned row leaves this index, so each batch
-- starts at the first row left to prune instead of walking past every row pruned before.
CREATE INDEX workos_inbox_events_prunable ON workos_inbox_events (received_at, id)
  WHERE status IN ('done', 'dead') AND pruned_at IS NULL;

-- Queue metrics count the statuses that need attention (pending, processing, retrying, dead)
-- from this small index (an index-only scan over the backlog, not the whole table); 'done', the
-- bulk of the table, is estimated from the planner's row count (see eventStats).
CREATE INDEX workos_inbox_events_open_status ON workos_inbox_events (status)
  WHERE status <> 'done';
