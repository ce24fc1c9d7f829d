-- Retention: `prune` empties the payload of old processed events and deletes their attempts, but
-- keeps the row (id, name, times), so the primary key stays the permanent dedup of redeliveries.
ALTER TABLE workos_inbox_events ADD COLUMN pruned_at TEXT;

-- The events prune may still take, oldest first. A pruned row leaves this index, so each batch
-- starts at the first row left to prune instead of walking past every row pruned before.
CREATE INDEX workos_inbox_events_prunable ON workos_inbox_events (received_at, id)
  WHERE status IN ('done', 'dead') AND pruned_at IS NULL;
