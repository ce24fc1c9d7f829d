-- A replay or redrive makes an event due again. Migration 0008 read the directory of the events
-- still to process or dead only; a dsync event done before it kept '' and, replayed, was claimed
-- as one of no directory beside another worker's directory, whose lock its mirror writes then
-- took in the middle of the batch (two such workers could wait on each other until PostgreSQL
-- broke the deadlock). Re-queueing now reads the directory of such an event from its body, as
-- 0008 did (event-queries.ts, `requeue`). A body that is not JSON text keeps ''.
CREATE FUNCTION workos_inbox_directory_of(event text, raw_body bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  body jsonb;
BEGIN
  IF event NOT LIKE 'dsync.%' THEN
    RETURN '';
  END IF;
  BEGIN
    body := convert_from(raw_body, 'UTF8')::jsonb;
  EXCEPTION WHEN others THEN
    RETURN '';
  END;
  RETURN COALESCE(CASE
      WHEN event IN ('dsync.activated', 'dsync.deleted') THEN body -> 'data' ->> 'id'
      WHEN jsonb_typeof(body -> 'data' -> 'directory_id') = 'string'
        THEN body -> 'data' ->> 'directory_id'
      WHEN jsonb_typeof(body -> 'data' -> 'group' -> 'directory_id') = 'string'
        THEN body -> 'data' -> 'group' ->> 'directory_id'
    END, '');
END
$$;
