-- A pause WorkOS asked for (a Retry-After longer than the client waits), kept with the lease of
-- the job it stopped: until when no process may ask WorkOS for that job, and why. A process that
-- takes the lease (another one, or this one restarted after a crash or a deploy) waits until then
-- before its first request; a release keeps the row (expired) while it carries a pause, and a
-- take after the pause clears it (pull-operations.ts).
ALTER TABLE workos_inbox_named_leases ADD COLUMN paused_until TEXT;
ALTER TABLE workos_inbox_named_leases ADD COLUMN pause_reason TEXT;
