// Which command the bin writes `{ "error" }` for after a failure (main.ts): a command of one JSON
// object gets it only when it has not written its object; a command of JSON lines (`events list`)
// gets it after the rows it printed, as its last line, so a list cut short by a failure does not
// read as a whole one. The e2e test (test/e2e/json-failures.test.ts) covers failures before any
// output; this one a failure after it, which the built CLI cannot be made to hit on demand.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addJsonOption,
  jsonFailureCommand,
  writeJson,
  writeJsonLine,
} from '../../src/cli/json-error.js';

afterEach(() => vi.restoreAllMocks());

/** A program with `one` (one object) and `group rows` (JSON lines), each failing after output. */
function program(): Command {
  const root = new Command('workos-inbox').exitOverride();
  const one = root.command('one');
  addJsonOption(one, 'one object');
  one.action(() => {
    writeJson(one, { done: true });
    throw new Error('after the object');
  });
  const rows = root.command('group').command('rows');
  addJsonOption(rows, 'one object per line');
  rows.action(() => {
    writeJsonLine({ row: 1 });
    throw new Error('after a row');
  });
  return root;
}

async function fail(root: Command, args: string[]): Promise<string[]> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  await expect(root.parseAsync(args, { from: 'user' })).rejects.toThrow();
  return written;
}

describe('jsonFailureCommand', () => {
  it('JSON lines: after the rows printed, the error still gets its line', async () => {
    const root = program();
    expect(await fail(root, ['group', 'rows', '--json'])).toEqual(['{"row":1}\n']);
    expect(jsonFailureCommand(root, ['group', 'rows', '--json'], false)?.name()).toBe('rows');
  });

  it('one object: after it is written, nothing more', async () => {
    const root = program();
    expect(await fail(root, ['one', '--json'])).toEqual(['{"done":true}\n']);
    expect(jsonFailureCommand(root, ['one', '--json'], false)).toBeUndefined();
  });

  it('without --json, none', async () => {
    const root = program();
    await fail(root, ['group', 'rows']);
    expect(jsonFailureCommand(root, ['group', 'rows'], false)).toBeUndefined();
  });
});
