import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
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

// The database answers, but will not hold the inbox's tables where the URL puts them: one line
// naming the way out, exit 3 (they were the driver's error with a stack, exit 1).
describe('a PostgreSQL database the inbox cannot create its tables in', () => {
  let cwd: string;
  const tag = `wi_noprivs_${process.pid}`;
  const admin = () => new pg.Client({ connectionString: postgresAdminUrl });
  const urlAs = (role: string, query = '') => {
    const u = new URL(postgresAdminUrl);
    u.username = role;
    u.password = '';
    u.pathname = `/${tag}`;
    return `${u.toString()}${query}`;
  };

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-noprivs-'));
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${tag}`);
    await c.query(`DROP ROLE IF EXISTS ${tag}`);
    await c.query(`CREATE ROLE ${tag} LOGIN`);
    // Owned by the admin: since PostgreSQL 15 other roles may not create in its public schema.
    await c.query(`CREATE DATABASE ${tag}`);
    await c.end();
  });
  afterAll(async () => {
    rmSync(cwd, { recursive: true, force: true });
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${tag}`);
    await c.query(`DROP ROLE IF EXISTS ${tag}`);
    await c.end();
  });

  it('a role that may not create in the schema: migrate says who may and what to grant', async () => {
    const result = await runCli(['migrate', '--database', urlAs(tag)], { cwd, timeoutMs: 60_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("refused to create the inbox's tables");
    expect(result.stderr).toContain('GRANT CREATE ON SCHEMA public');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a search_path that names no schema: migrate says to create it or change the URL', async () => {
    const admin = new URL(postgresAdminUrl).username || 'postgres';
    const query = `?options=${encodeURIComponent('-c search_path=nowhere_at_all')}`;
    const result = await runCli(['migrate', '--database', urlAs(admin, query)], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('names no schema that exists');
    expect(result.stderr).toContain('--database (DATABASE_URL)');
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
