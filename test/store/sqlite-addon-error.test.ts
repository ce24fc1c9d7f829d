import { describe, expect, it } from 'vitest';
import { DatabaseDriverNotBuiltError, sqliteAddonError } from '../../src/store/load-backend.js';

// better-sqlite3 loads its native addon on the first connection; the two ways that fails on a
// user's machine become one error that says what to run (the never-built case runs end to end in
// test/e2e/packed-install.test.ts).
describe('sqliteAddonError', () => {
  it('turns "built for another Node.js" into the rebuild to run, keeping what Node said', () => {
    const dlopen = Object.assign(
      new Error(
        "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
          'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 127. ' +
          'This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or ' +
          're-installing\nthe module (for instance, using `npm rebuild` or `npm install`).',
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    const error = sqliteAddonError(dlopen);
    expect(error).toBeInstanceOf(DatabaseDriverNotBuiltError);
    expect(error?.code).toBe('database_driver_not_built');
    expect(error?.message).toContain(
      'was compiled against a different Node.js version using NODE_MODULE_VERSION 127. This ' +
        'version of Node.js requires NODE_MODULE_VERSION 115).',
    );
    expect(error?.message).toContain(
      `npm rebuild better-sqlite3 with this Node.js (${process.version})`,
    );
  });

  it('leaves every other failure to open a database as it is', () => {
    const cantOpen = Object.assign(new Error('unable to open database file'), {
      code: 'SQLITE_CANTOPEN',
    });
    expect(sqliteAddonError(cantOpen)).toBeUndefined();
    expect(sqliteAddonError(undefined)).toBeUndefined();
  });
});
