import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { configOptions } from '../../src/server/config-options.js';

const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const section = (title: string): string => {
  const start = docs.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = docs.indexOf('\n## ', start + 3);
  return docs.slice(start, end === -1 ? undefined : end);
};

describe('docs/cli.md stays equal to the code', () => {
  it('the configuration table lists every flag with its environment variable and default', () => {
    const table = section('Configuration');
    for (const option of configOptions) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${option.flag}\``));
      expect(row, option.flag).toBeDefined();
      expect(row).toContain(`\`${option.env}\``);
      if (/^\d+$/.test(option.defaultText)) expect(row).toContain(`| ${option.defaultText} |`);
    }
    const rows = table.split('\n').filter((line) => line.startsWith('| `--'));
    expect(rows).toHaveLength(configOptions.length);
  });

  it('the exit code table lists exactly the codes the command uses', () => {
    const table = section('Exit codes');
    const documented = [...table.matchAll(/^\| (\d) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual([...new Set(Object.values(exitCodes))].sort());
  });
});
