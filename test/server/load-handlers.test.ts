import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/server/config.js';
import { loadHandlers } from '../../src/server/load-handlers.js';

const dir = mkdtempSync(join(tmpdir(), 'wi-handlers-'));
const moduleFile = (name: string, source: string): string => {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
};

describe('loadHandlers (--handlers)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a default export object and named exports with event names', async () => {
    const loaded = await loadHandlers(
      moduleFile(
        'both.mjs',
        `const a = async () => 'a'; const b = async () => 'b';
         export { b as 'dsync.group.created' };
         export default { 'dsync.user.created': a, '*': async () => 'any' };`,
      ),
    );
    expect([...loaded.byName.keys()].sort()).toEqual([
      '*',
      'dsync.group.created',
      'dsync.user.created',
    ]);
    expect(await loaded.byName.get('dsync.user.created')?.({}, {})).toBe('a');
  });

  it('fails at start, with the reason, for modules that cannot work', async () => {
    await expect(loadHandlers(join(dir, 'missing.mjs'))).rejects.toThrow(ConfigError);
    await expect(
      loadHandlers(moduleFile('not-fn.mjs', `export default { 'dsync.user.created': 42 };`)),
    ).rejects.toThrow(/"dsync.user.created" must be a function/);
    await expect(loadHandlers(moduleFile('empty.mjs', `export {};`))).rejects.toThrow(
      /exports no handlers/,
    );
    await expect(loadHandlers(moduleFile('syntax.mjs', `export default {`))).rejects.toThrow(
      /cannot load/,
    );
  });
});
