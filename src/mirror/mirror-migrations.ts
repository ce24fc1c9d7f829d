import { folderBeside, loadMigrations } from '../store/load-migrations.js';
import type { Migration, MigrationSet } from '../store/types.js';

let sqlite: Migration[] | undefined;
let postgres: Migration[] | undefined;

/**
 * The mirror's tables, as a migration set for `openStore({ migrationSets: [mirrorMigrations] })`.
 * Versioned on its own (component `mirror`) in `workos_inbox_migrations`.
 *
 * Each backend's files are read when a store first asks for them, not when the package is
 * imported: an app that bundles the root entry (Next.js) and only verifies webhooks reads no file.
 */
export const mirrorMigrations: MigrationSet = {
  component: 'mirror',
  get sqlite() {
    return (sqlite ??= loadMigrations(folderBeside(import.meta.url, './migrations/sqlite/')));
  },
  get postgres() {
    return (postgres ??= loadMigrations(folderBeside(import.meta.url, './migrations/postgres/')));
  },
};
