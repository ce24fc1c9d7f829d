import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidFilterError } from '../../src/store/event-filter.js';
import { InvalidCursorError } from '../../src/store/list-cursor.js';
import { MigrationFolderError } from '../../src/store/load-migrations.js';
import { InvalidDatabaseError } from '../../src/store/open-store.js';
import { InvalidSchemaError } from '../../src/store/postgres/invalid-schema-error.js';
import { InvalidPruneOptionsError } from '../../src/store/prune-events.js';
import {
  MigrationFailedError,
  SchemaMismatchError,
  StoreUnavailableError,
} from '../../src/store/types.js';
import { InvalidEventError } from '../../src/store/validate-event.js';

const errors = [
  new StoreUnavailableError('x'),
  new SchemaMismatchError('x'),
  new MigrationFailedError('x'),
  new InvalidEventError('x'),
  new InvalidCursorError('x'),
  new InvalidFilterError('x'),
  new InvalidDatabaseError('x'),
  new InvalidSchemaError('x'),
  new MigrationFolderError('x'),
  new InvalidPruneOptionsError('x'),
];

describe('store error codes', () => {
  it('are documented in docs/store.md exactly as the classes define them', () => {
    const doc = readFileSync(new URL('../../docs/store.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### Errors'), doc.indexOf('### Measured'));
    const documented = [...section.matchAll(/^\| `(\w+)`\s*\| `(\w+)`/gm)].map((m) => [m[1], m[2]]);
    expect(documented).toEqual(errors.map((e) => [e.name, e.code]));
  });
});
