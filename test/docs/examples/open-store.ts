// docs/store.md: open and migrate a store. The test runs it in a temporary working folder.
// #region open-store
import { openMigratedStore } from 'workos-inbox';

const store = await openMigratedStore({ database: './data/inbox.db' });
// or: openStore(options) and then await store.migrate() yourself
// #endregion open-store

export { store };
