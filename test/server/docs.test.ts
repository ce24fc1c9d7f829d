import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.js';

const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const section = (title: string): string => {
  const start = docs.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = docs.indexOf('\n## ', start + 3);
  return docs.slice(start, end === -1 ? undefined : end);
};

// The configuration table is generated from src/defaults.ts (test/docs/defaults-tables.test.ts).
describe('docs/cli.md stays equal to the code', () => {
  it('the exit code table lists exactly the codes the command uses', () => {
    const table = section('Exit codes');
    const documented = [...table.matchAll(/^\| (\d) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual([...new Set(Object.values(exitCodes))].sort());
  });
});
