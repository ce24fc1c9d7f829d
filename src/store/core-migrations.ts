import { folderBeside, loadMigrations } from './load-migrations.js';
import type { MigrationSet } from './types.js';

let cached: MigrationSet | undefined;

/** The inbox's own tables (`workos_inbox_events`, `workos_inbox_attempts`). Always applied first. */
export function coreMigrationSet(): MigrationSet {
  cached ??= {
    component: 'core',
    sqlite: loadMigrations(folderBeside(import.meta.url, './migrations/sqlite/')),
    postgres: loadMigrations(folderBeside(import.meta.url, './migrations/postgres/')),
  };
  return cached;
}
