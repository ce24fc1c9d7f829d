// `events redrive --event` with a name this version does not know, matching nothing: the
// operator gets the note `events list` gives (with the names it may mean) instead of a bare
// "queued 0 events again", which reads as "nothing is dead". Before the fix redrive said
// nothing more. Still exit 0: an unknown name may be stored (WorkOS adds events).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-harness.js';

describe('events redrive --event <a name this version does not know> (built CLI, SQLite)', () => {
  let cwd: string;
  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-redrive-note-'));
    const migrated = await runCli(['migrate'], { cwd });
    expect(migrated.code, migrated.stderr).toBe(0);
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('a typo that matches nothing is pointed out on stderr, with the names it may mean', async () => {
    const typo = await runCli(['events', 'redrive', '--event', 'dsync.user.creatd'], { cwd });
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout).toBe('queued 0 events again\n');
    expect(typo.stderr).toContain(
      '"dsync.user.creatd" is not an event name this version knows. Did you mean: dsync.user.created,',
    );
    // --json keeps stdout one JSON object; the note is on stderr.
    const json = await runCli(['events', 'redrive', '--event', 'dsync.user.creatd', '--json'], {
      cwd,
    });
    expect(JSON.parse(json.stdout)).toEqual({ redriven: 0, skippedPruned: 0 });
    expect(json.stderr).toContain('Did you mean: dsync.user.created');
  });

  it('a known name that matches nothing gets no note', async () => {
    const known = await runCli(['events', 'redrive', '--event', 'dsync.user.created'], { cwd });
    expect(known.code, known.stderr).toBe(0);
    expect(known.stderr).toBe('');
  });
});
