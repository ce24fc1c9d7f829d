import { describe, expect, it } from 'vitest';
import { readTable, renderTable, tableFiles } from './defaults-tables.js';
import type { TableName } from './defaults-tables.js';

describe('the docs’ configuration tables are generated from src/defaults.ts', () => {
  it.each(Object.keys(tableFiles) as TableName[])(
    'the %s table equals the one rendered from the defaults (npm run docs:defaults)',
    (name) => {
      const table = readTable(name);
      expect(
        table,
        `${tableFiles[name]} has no <!-- defaults-table: ${name} --> region`,
      ).toBeDefined();
      expect(table).toBe(renderTable(name));
    },
  );
});
