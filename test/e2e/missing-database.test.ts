import { mkdtempSync, rmSync } from 'node:fs';
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
