import { folderBeside, loadMigrations } from './load-migrations.js';
import type { MigrationSet } from './types.js';

let cached: MigrationSet | undefined;

/**
 * The Events API's tables (pull cursors, named leases) and the `events_api` source. A set of its
 * own, applied right after the core's, so its numbers never collide with the core's.
 */
export function eventsApiMigrationSet(): MigrationSet {
  cached ??= {
    component: 'events_api',
    sqlite: loadMigrations(folderBeside(import.meta.url, './migrations-events-api/sqlite/')),
    postgres: loadMigrations(folderBeside(import.meta.url, './migrations-events-api/postgres/')),
  };
  return cached;
}
