// A database command run while another process (a running serve) holds SQLite's write lock says
// on stderr that it is waiting, and for how long at most, then waits on: it used to wait up to
// busyTimeoutMs (30 s) in silence and seemed hung. WORKOS_INBOX_LOCK_NOTICE_MS=0 makes it say so
// at its first wait, so nothing here depends on speed: the lock is let go once the line is out.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite/sqlite-connection.js';
import { childEnv, cliPath, ensureBuilt, runCli, waitFor } from './cli-harness.js';

let cwd: string;
let database: string;
beforeAll(async () => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-lock-wait-'));
  database = join(cwd, 'inbox.db');
  const migrated = await runCli(['migrate', '--database', database], { cwd });
  expect(migrated.code, migrated.stderr).toBe(0);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const waiting = () => `waiting for the write lock of ${database}`;

describe('a database command while another process holds the write lock', () => {
  it.each([
    [['events', 'replay', 'event_unknown'], 4],
    [['events', 'redrive'], 0],
    [['deliveries', 'redrive'], 0],
    [['migrate'], 0],
  ])('%j says it is waiting, then goes on once the lock is free', async (command, code) => {
    const holder = openSqlite(database, { busyTimeoutMs: 0 });
    holder.exec('BEGIN IMMEDIATE');
    const child = spawn(process.execPath, [cliPath, ...command, '--database', database], {
      cwd,
      env: childEnv({ WORKOS_INBOX_LOCK_NOTICE_MS: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // An exit before the line fails below, with what it said.
      await waitFor(
        async () => stderr.includes(waiting()) || child.exitCode !== null,
        'the waiting line',
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(await exited, stderr).toBe(code);
    expect(stderr).toContain(
      `${waiting()}, held by another process (a running serve or work?); giving up after 30 s`,
    );
    expect(stderr.split(waiting())).toHaveLength(2);
  });

  it('says nothing when the lock is free', async () => {
    const result = await runCli(['events', 'redrive', '--database', database], {
      cwd,
      env: { WORKOS_INBOX_LOCK_NOTICE_MS: '0' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('waiting');
  });

  it('refuses a WORKOS_INBOX_LOCK_NOTICE_MS that is not a number of milliseconds (exit 2)', async () => {
    const result = await runCli(['events', 'redrive', '--database', database], {
      cwd,
      env: { WORKOS_INBOX_LOCK_NOTICE_MS: 'soon' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WORKOS_INBOX_LOCK_NOTICE_MS must be a whole number');
  });
});
