import { loadMigrations } from '../store/load-migrations.js';
import type { MigrationSet } from '../store/types.js';

/**
 * The mirror's tables, as a migration set for `openStore({ migrationSets: [mirrorMigrations] })`.
 * Versioned on its own (component `mirror`) in `workos_inbox_migrations`.
 */
export const mirrorMigrations: MigrationSet = {
  component: 'mirror',
  sqlite: loadMigrations(new URL('./migrations/sqlite/', import.meta.url)),
  postgres: loadMigrations(new URL('./migrations/postgres/', import.meta.url)),
};
