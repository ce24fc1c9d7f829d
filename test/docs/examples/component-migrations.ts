// docs/store.md "Migrations": a component's own migrations, from ./migrations/{sqlite,postgres}/.
import { fromTest } from './wiring.js';

const database = fromTest('DATABASE_URL');

// #region component-migrations
import { loadMigrations, openMigratedStore } from 'workos-inbox';

const mine = {
  component: 'billing',
  sqlite: loadMigrations(new URL('./migrations/sqlite/', import.meta.url)),
  postgres: loadMigrations(new URL('./migrations/postgres/', import.meta.url)),
};
const store = await openMigratedStore({ database, migrationSets: [mine] });
// #endregion component-migrations

export { store };
