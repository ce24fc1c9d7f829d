-- A table a handler writes to through the complete() transaction.
CREATE TABLE test_effects (event_id TEXT PRIMARY KEY, note TEXT NOT NULL);
