-- The directory index of memberships was (directory_id) alone, which a WITHOUT ROWID table stores
-- as (directory_id, group_id, user_id): the primary key's order again, so every membership written
-- landed on a leaf of its group in two trees. Listing a directory's users (reconcile, or events
-- for users created in id order) then rewrote about a thousand scattered leaves per transaction
-- in each. Led by user_id after the directory, this index fills in user order like the user index
-- does. Its readers (a directory's cascade and reconcile's tombstone scan, both by directory_id)
-- read it as before. PostgreSQL's index on (directory_id) orders equal keys by heap position, so
-- it appends already and is left alone.
DROP INDEX workos_directory_group_memberships_directory;
CREATE INDEX workos_directory_group_memberships_directory
  ON workos_directory_group_memberships (directory_id, user_id);
