// `serve --handlers ./handlers.cjs` as Node loads it. Node guesses a CommonJS module's named
// exports from its source, and `async 'dsync.user.created'(e) {}` (method shorthand) is guessed
// as an export named `async`: it was refused ("export "async" must be a function"). Run in a
// plain Node process against the build: vitest loads modules its own way and guesses nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wi-cjs-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt());

/** The handler names `--handlers <file>` loads, and what each returns for one event. */
function load(file: string, source: string): Record<string, unknown> {
  const path = join(dir, file);
  writeFileSync(path, source);
  const loader = pathToFileURL(join(repoRoot, 'dist/server/load-handlers.js')).href;
  const script = `
    const { loadHandlers } = await import(${JSON.stringify(loader)});
    const { byName } = await loadHandlers(${JSON.stringify(path)});
    const out = {};
    for (const [name, fn] of byName) out[name] = await fn({ id: 'u1' }, {});
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('--handlers with a CommonJS module', () => {
  it('takes module.exports with method shorthand, as Node loads it', () => {
    expect(
      load(
        'shorthand.cjs',
        `module.exports = {
           async 'dsync.user.created'(event) { return 'user:' + event.id; },
           'dsync.group.created': async () => 'group',
         };`,
      ),
    ).toEqual({ 'dsync.user.created': 'user:u1', 'dsync.group.created': 'group' });
  });

  it('takes exports.name = … assignments', () => {
    expect(load('exports.cjs', `exports['dsync.user.deleted'] = async () => 'gone';`)).toEqual({
      'dsync.user.deleted': 'gone',
    });
  });
});
