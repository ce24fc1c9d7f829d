// Regenerate the configuration tables of the docs from src/defaults.ts:
//   npm run docs:defaults
// defaults-tables.test.ts fails while a table differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './doc-blocks.js';
import { tableFiles, withTable } from './defaults-tables.js';
import type { TableName } from './defaults-tables.js';

for (const name of Object.keys(tableFiles) as TableName[]) {
  const path = join(repoRoot, tableFiles[name]);
  const before = readFileSync(path, 'utf8');
  const after = withTable(name, before);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`${tableFiles[name]}: defaults table ${name} updated`);
  }
}
