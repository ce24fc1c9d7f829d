import type { Store, StoreOptions } from '../types.js';
import { StoreUnavailableError } from '../types.js';

// Replaced by the PostgreSQL backend in the next commit.
export const PostgresStore = {
  open(_options: StoreOptions): Store {
    throw new StoreUnavailableError('the PostgreSQL backend is not built yet');
  },
};
