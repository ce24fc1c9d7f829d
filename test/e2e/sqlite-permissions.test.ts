import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, childEnv, ensureBuilt, repoRoot, runCli } from './cli-harness.js';

// docs/cli.md: exit 2 for a SQLite database file, or its folder, this user may not read and
// write, with one line naming the path and what to change (it used to be exit 3, "cannot open",
// read as an outage to wait out; `stats` in a folder it may not read said "no inbox database").
// Root ignores file modes: as root, the CLI runs as nobody (65534), which needs to read the
// clone's dist and node_modules (through the symlink); as another user, plain modes do.
const asRoot = process.getuid?.() === 0;
const nobody = asRoot ? { uid: 65534, gid: 65534 } : {};

ensureBuilt();
const skipReason = ((): string | undefined => {
  if (process.platform === 'win32') return 'file modes are POSIX';
  if (!asRoot) return undefined;
  // The child must load the CLI and better-sqlite3's addon as that user.
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(join(repoRoot, 'node_modules', 'better-sqlite3'))})(':memory:')`,
    ],
    { cwd: tmpdir(), env: childEnv(), ...nobody, encoding: 'utf8' },
  );
  const help = spawnSync(process.execPath, [cliPath, '--version'], {
    cwd: tmpdir(),
    env: childEnv(),
    ...nobody,
    encoding: 'utf8',
  });
  if (probe.status !== 0 || help.status !== 0) {
    // A spawn that failed has no stderr but an error (EACCES on a Node.js binary kept in a folder
    // only root may enter, as the other Node.js lines' are in CI).
    const why = [probe.error?.message, probe.stderr, help.error?.message, help.stderr]
      .filter(Boolean)
      .join('; ');
    return `uid 65534 cannot run ${process.execPath} on ${repoRoot}'s dist and node_modules: ${why}`;
  }
  return undefined;
})();
if (skipReason) console.warn(`skipping the SQLite permission tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('a SQLite database this user may not use', () => {
  let root: string;
  let fileDir: string;
  let lockedDir: string;
  let readOnlyDir: string;

  /** Migrate `database` as root (the test's user), so that it exists with the tables. */
  async function migrate(database: string): Promise<void> {
    const result = await runCli(['migrate', '--database', database], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wi-e2e-sqlite-eacces-'));
    chmodSync(root, 0o755);
    // A folder the user may write in, holding a file it may not open.
    fileDir = join(root, 'file');
    mkdirSync(fileDir);
    await migrate(join(fileDir, 'inbox.db'));
    // A folder it may not enter, holding a database.
    lockedDir = join(root, 'locked');
    mkdirSync(lockedDir);
    await migrate(join(lockedDir, 'inbox.db'));
    // A file it may read only, in a folder it may write in: reading commands keep working.
    readOnlyDir = join(root, 'read-only');
    mkdirSync(readOnlyDir);
    await migrate(join(readOnlyDir, 'inbox.db'));
    if (asRoot) {
      chownSync(readOnlyDir, 65534, 65534);
      chownSync(join(readOnlyDir, 'inbox.db'), 65534, 65534);
    }
    chmodSync(join(readOnlyDir, 'inbox.db'), 0o444);
    if (asRoot) chownSync(fileDir, 65534, 65534);
    chmodSync(join(fileDir, 'inbox.db'), asRoot ? 0o600 : 0o000);
    chmodSync(lockedDir, 0o000);
  });
  afterAll(() => {
    chmodSync(lockedDir, 0o700);
    rmSync(root, { recursive: true, force: true });
  });

  it('the same user opens a database it may write (the tests below fail on the modes alone)', async () => {
    const database = join(fileDir, 'mine.db');
    const result = await runCli(['migrate', '--database', database], { cwd: fileDir, ...nobody });
    expect(result.code, result.stderr).toBe(0);
  });

  it('a file it may read only still answers a reading command (SQLite opens it read-only)', async () => {
    const database = join(readOnlyDir, 'inbox.db');
    const result = await runCli(['stats', '--json', '--database', database], {
      cwd: readOnlyDir,
      ...nobody,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: 0 });
  });

  // SQLite opened it read-only without a word: serve was ready (/readyz 200) and answered every
  // webhook 503 for ever; it may not be written, so what writes is refused at start. A command
  // that writes to an existing inbox (`events redrive`) failed with a bare SqliteError ('attempt to
  // write a readonly database') and exit 1. (One with nothing to write, `events prune` of an empty
  // inbox, writes no page and succeeds.)
  it.each([
    [['serve', '--port', '0']],
    [['work']],
    [['migrate']],
    [['events', 'redrive', '--status', 'dead']],
  ])('a file it may read only: %s exits 2 naming it', async (command) => {
    const database = join(readOnlyDir, 'inbox.db');
    const result = await runCli([...command, '--database', database], {
      cwd: readOnlyDir,
      ...nobody,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toBe(
      `workos-inbox: this user may not read and write the SQLite database ${database}: ` +
        `permission denied on ${database}. Give this user read and write access to the file ` +
        'and its folder (SQLite writes inbox.db-wal and inbox.db-shm beside it), or choose a ' +
        'database path it can write',
    );
  });

  it.each([
    ['a file', 'file', ['migrate']],
    ['a file', 'file', ['stats']],
    ['a file', 'file', ['serve', '--port', '0']],
    ['a folder', 'locked', ['stats']],
    ['a folder', 'locked', ['events', 'list', '--json']],
    ['a folder', 'locked', ['work']],
  ] as const)('%s it may not open: %s %s exits 2 naming it', async (_what, folder, command) => {
    const database = join(root, folder, 'inbox.db');
    const result = await runCli([...command, '--database', database], {
      cwd: fileDir,
      ...nobody,
    });
    expect(result.code, result.stderr).toBe(2);
    const line = `this user may not read and write the SQLite database ${database}: permission denied on ${
      folder === 'file' ? database : `${join(root, folder)} (or a folder above it)`
    }. Give this user read and write access to the file and its folder`;
    expect(result.stderr).toContain(line);
    expect(result.stderr).toContain('or choose a database path it can write');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    if ((command as readonly string[]).includes('--json')) {
      expect(JSON.parse(result.stdout)).toEqual({
        error: { code: 'invalid_database', message: expect.stringContaining(line) },
      });
    }
  });
});
