-- The dashboard's and the admin API's list filtered by status AND event name: without this, the
-- planner walks one of the single-column indexes and reads every row of that name (or status) to
-- test the other, which over millions of events is slow. With it, a filtered page reads only its
-- rows, newest first, whatever the combination.
CREATE INDEX workos_inbox_events_status_event_received
  ON workos_inbox_events (status, event, received_at, id);
