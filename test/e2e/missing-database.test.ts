import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdminUrl } from '../helpers/postgres.js';
import { ensureBuilt, runCli } from './cli-harness.js';

// docs/cli.md: exit 3 when the database cannot be reached or does not exist yet, with one line
// that says what to do (no stack trace).
describe('a PostgreSQL database that does not exist', () => {
  let cwd: string;
  const name = `wi_missing_${process.pid}`;
  const url = (() => {
    const u = new URL(postgresAdminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  })();

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-missing-db-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([['migrate'], ['serve', '--port', '0'], ['work'], ['events', 'list'], ['stats']])(
    '%s exits 3 and says how to create it',
    async (...command) => {
      const result = await runCli([...command, '--database', url], { cwd, timeoutMs: 60_000 });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`the PostgreSQL database "${name}" does not exist`);
      expect(result.stderr).toContain(`createdb ${name}`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('an unreachable server exits 3 with one line', async () => {
    const result = await runCli(['migrate', '--database', 'postgres://postgres@127.0.0.1:1/x'], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot connect to the database');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

// The same promise for the files of a SQLite inbox: a data folder or database path that cannot be
// used says which path and what to change, in one line (exit 2 for the data folder, a setting;
// exit 3 for the database). As root (CI), permissions do not stop a write, so the paths are
// unusable by shape: a folder under a file, a database that is a folder.
describe('a data folder or SQLite database that cannot be used', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-unusable-'));
    writeFileSync(join(cwd, 'a-file'), '');
    mkdirSync(join(cwd, 'a-folder'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('serve with a data folder under a file exits 2 and names the folder and the setting', async () => {
    const dataDir = join(cwd, 'a-file', 'data');
    const result = await runCli(['serve', '--port', '0', '--data-dir', dataDir], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot create the folder ${dataDir}`);
    expect(result.stderr).toContain('--data-dir (WORKOS_INBOX_DATA_DIR)');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([['migrate'], ['serve', '--port', '0']])(
    '%s with a folder as its SQLite database exits 3 and says what to check',
    async (...command) => {
      const database = join(cwd, 'a-folder');
      const result = await runCli([...command, '--database', database], {
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`SQLite cannot open or create the database ${database}`);
      expect(result.stderr).toContain('names a file (not a folder)');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
  );
});
