-- The workers running on this database and what each handles (its handler names, `*`, the
-- directory mirror), seen within the last minute or so. A worker claims any due event, and one
-- without a handler for it marks it done: a worker that finds another handling more than itself
-- says so at start (worker-registry.ts). A row is refreshed every 30 s and deleted at a clean stop;
-- one left by a killed process is ignored once it is old.
CREATE TABLE workos_inbox_workers (
  owner TEXT PRIMARY KEY,
  handles TEXT NOT NULL,
  seen_at timestamptz NOT NULL
);
