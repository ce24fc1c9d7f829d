import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder holding a fresh SQLite file path. Call `cleanup()` in afterAll. */
export function createTempSqlitePath(name = 'inbox.db'): {
  path: string;
  dir: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-test-'));
  return {
    path: join(dir, name),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
