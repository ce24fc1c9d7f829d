import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Migration } from './types.js';

const fileName = /^(\d{4})-[a-z0-9][a-z0-9-]*\.sql$/;

/** A migration folder is malformed (a repeated or zero number, a bad file name). */
export class MigrationFolderError extends WorkosInboxError {
  override readonly name = 'MigrationFolderError';
  readonly code = 'migration_folder_invalid';
}

/**
 * The folder `relative` (ending with `/`) beside the module whose `import.meta.url` is `moduleUrl`:
 * where this package's own migrations are, in `src/` (tsx, vitest) and in `dist/` (the build
 * copies the .sql files next to the compiled modules).
 *
 * Not written `new URL('./migrations/sqlite/', import.meta.url)` in those modules: a bundler
 * (webpack in `next build`) takes that expression for an asset to bundle and fails the whole
 * build on a folder ("Module not found: Can't resolve './migrations/sqlite/'"), even in an app
 * that imports only `WorkOS` from the root entry and never opens a store. With `import.meta.url`
 * passed on, the bundler leaves the URL to be made when a store opens.
 */
export function folderBeside(moduleUrl: string, relative: string): URL {
  return new URL(relative, moduleUrl);
}

/**
 * Load a folder of `0001-name.sql`, `0002-name.sql` … files as migrations, in order.
 *
 * Pass a URL relative to the calling module so it works from `src/` (tsx, vitest) and from
 * `dist/` (the build copies the .sql files next to the compiled modules):
 * `loadMigrations(new URL('./migrations/sqlite/', import.meta.url))`.
 */
export function loadMigrations(folder: URL | string): Migration[] {
  const dir = typeof folder === 'string' ? folder : fileURLToPath(folder);
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = fileName.exec(file);
    if (!match) {
      throw new MigrationFolderError(`${dir}: "${file}" is not named like 0001-lowercase-name.sql`);
    }
    const version = Number(match[1]);
    // Numbers only increase; a gap is allowed, because a number can be reserved by a change
    // that lands later (each migration is recorded by its own number, so it is applied then).
    const previous = migrations.at(-1)?.version ?? 0;
    if (version <= previous) {
      throw new MigrationFolderError(
        `${dir}: "${file}" repeats number ${version} (numbers start at 1 and increase)`,
      );
    }
    migrations.push({
      version,
      name: file.slice(0, -'.sql'.length),
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    });
  }
  return migrations;
}
