import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureBuilt, repoRoot } from './cli-harness.js';

// The built package, imported in a fresh Node process as users import it: which npm packages
// does that load? Verifying signatures must not pull in a database driver or the log prettifier;
// opening a store loads its own driver only.
const fixture = join(repoRoot, 'test/e2e/fixtures/loaded-packages.mjs');
const dist = (file: string) => join(repoRoot, 'dist', file);
const heavy = ['better-sqlite3', 'pg', 'pino-pretty'];

function loadedPackages(step: string, modules: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [fixture, step, ...modules], {
    cwd: repoRoot,
    env: childEnv(env),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).filter((p) => heavy.includes(p));
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wi-imports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('what importing the package loads', () => {
  it("'workos-inbox' and 'workos-inbox/web' load no database driver and no pino-pretty", () => {
    expect(loadedPackages('none', [dist('index.js'), dist('web.js')])).toEqual([]);
  });

  it("'workos-inbox' exports reconcile and what it takes to run it", async () => {
    const api = (await import(pathToFileURL(dist('index.js')).href)) as Record<string, unknown>;
    for (const name of [
      'reconcile',
      'WorkosApiClient',
      'ReconcileStoppedError',
      'ReconcileScopeError',
    ]) {
      expect(typeof api[name], name).toBe('function');
    }
    expect(api.reconcileFamilies).toEqual([
      'dsync',
      'organizations',
      'connections',
      'user_management',
    ]);
    const Stopped = api.ReconcileStoppedError as new (...args: unknown[]) => Error;
    const stopped = new Stopped('reading organizations', {}, new Error('503'));
    expect(stopped).toBeInstanceOf(api.WorkosInboxError as typeof Error);
    expect(stopped).toMatchObject({
      code: 'reconcile_stopped',
      stoppedAt: 'reading organizations',
    });
  });

  it('opening a SQLite store loads better-sqlite3, and only it', () => {
    const database = join(dir, 'inbox.db');
    expect(loadedPackages('open-sqlite', [dist('index.js')], { STORE_DATABASE: database })).toEqual(
      ['better-sqlite3'],
    );
  });

  it('opening a PostgreSQL store loads pg, and only it', () => {
    // Opening connects lazily: no server is needed to see which driver loads.
    const database = 'postgres://postgres@127.0.0.1:1/nothing_here';
    expect(
      loadedPackages('open-postgres', [dist('index.js')], { STORE_DATABASE: database }),
    ).toEqual(['pg']);
  });

  it('asking for pretty logs loads pino-pretty', () => {
    expect(loadedPackages('pretty-logger', [dist('server/logger.js')])).toEqual(['pino-pretty']);
  });

  // `next build` bundles the root entry (webpack): a route importing only `WorkOS` failed with
  // "Module not found: Can't resolve './migrations/sqlite/'", and a bundle has no .sql beside it.
  it("'workos-inbox' names no migration folder a bundler would resolve as an asset", () => {
    // webpack resolves `new URL('<literal>', import.meta.url)` at build time; a folder fails it.
    const folderUrl = /new URL\(\s*(['"`])[^'"`]*\/\1\s*,\s*import\.meta\.url\s*\)/;
    const offenders = readdirSync(join(repoRoot, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      // Code only: a comment may show the form (loadMigrations' JSDoc does, for an app's folders).
      .map((f) => [f, readFileSync(dist(f), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')])
      .filter(([, code]) => folderUrl.test(code!))
      .map(([f]) => f);
    expect(offenders).toEqual([]);
  });

  it("'workos-inbox' imports without its migration files: they are read when a store opens", () => {
    const copy = join(dir, 'bundled');
    cpSync(join(repoRoot, 'dist'), join(copy, 'dist'), {
      recursive: true,
      // No migrations/ folders (nor the .sql in them), as in a bundle.
      filter: (source) => !/[/\\]migrations[\w-]*$/.test(source),
    });
    // The API client reads the version from it at import (webpack bundles that file as an asset).
    cpSync(join(repoRoot, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(copy, 'dist/index.js')).href)}); console.log(typeof m.WorkOS, m.mirrorMigrations.component);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function mirror');
  });
});
