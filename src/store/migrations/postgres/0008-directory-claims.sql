-- The directory a dsync event is about (`directoryOf` in src/events/directory-of.ts; '' for other
-- events), set at append. With it a worker's claim picks a directory no other transaction holds
-- (the mirror's writes serialize on a lock per directory) and takes that directory's due events,
-- whatever the order of the backlog, so several workers apply different directories side by side
-- instead of queueing on one directory's lock (lease-operations.ts, claimDirectory).
ALTER TABLE workos_inbox_events ADD COLUMN directory_id text NOT NULL DEFAULT '';

-- Events still to process or dead (a redrive makes them due again), written before this column:
-- their directory from the body, as directoryOf reads it. A done event that is replayed later is
-- claimed as one of no directory; the mirror's writes still take its directory's lock.
-- Row by row: a body that is not JSON text (possible through the library's `append`) keeps ''
-- instead of failing the migration.
DO $$
DECLARE
  r record;
  body jsonb;
BEGIN
  FOR r IN SELECT id, event, raw_body FROM workos_inbox_events
    WHERE status IN ('pending', 'retrying', 'processing', 'dead') AND event LIKE 'dsync.%'
  LOOP
    BEGIN
      body := convert_from(r.raw_body, 'UTF8')::jsonb;
    EXCEPTION WHEN others THEN
      CONTINUE;
    END;
    UPDATE workos_inbox_events SET directory_id = COALESCE(CASE
        WHEN r.event IN ('dsync.activated', 'dsync.deleted') THEN body -> 'data' ->> 'id'
        WHEN jsonb_typeof(body -> 'data' -> 'directory_id') = 'string'
          THEN body -> 'data' ->> 'directory_id'
        WHEN jsonb_typeof(body -> 'data' -> 'group' -> 'directory_id') = 'string'
          THEN body -> 'data' -> 'group' ->> 'directory_id'
      END, '')
    WHERE id = r.id;
  END LOOP;
END
$$;

-- A directory's due events in due order; only rows that can still be claimed, as the due index.
CREATE INDEX workos_inbox_events_directory_due ON workos_inbox_events
  (directory_id, next_attempt_at, id) WHERE status IN ('pending', 'retrying', 'processing');
