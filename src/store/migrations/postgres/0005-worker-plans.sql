-- The worker's statements read by primary key, but with the lease-owner index in place the
-- planner, whose row estimates lag behind a draining backlog, checked a batch's leases by
-- walking every entry that owner ever left in it (dead versions stay until vacuum): 26,000 heap
-- blocks for 8 ids, 10-50 ms a batch. Its one other user, `releaseLeases` on shutdown, finds the
-- processing events through workos_inbox_events_open_status (0002) instead.
DROP INDEX workos_inbox_events_lease_owner;
