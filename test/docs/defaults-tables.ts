// The configuration tables of README.md, docs/cli.md and docs/inbox.md, rendered from
// src/defaults.ts. A table sits between two comments naming it:
//   <!-- defaults-table: cli -->
//   | flag | environment | default | meaning |
//   …
//   <!-- /defaults-table -->
// Regenerate with `npm run docs:defaults`; defaults-tables.test.ts fails while one differs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaults, shownDefault } from '../../src/defaults.js';
import type { DefaultEntry } from '../../src/defaults.js';
import { repoRoot } from './doc-blocks.js';

export const tableFiles = {
  readme: 'README.md',
  cli: 'docs/cli.md',
  library: 'docs/inbox.md',
} as const;
export type TableName = keyof typeof tableFiles;

const entries = Object.entries(defaults as Record<string, DefaultEntry>);
const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (text: string) => `\`${text}\``;
const onlyFor = (entry: DefaultEntry) =>
  entry.command === undefined ? '' : `${code(entry.command)} only: `;

/** One table as markdown, from its header row to its last row (no trailing newline). */
export function renderTable(name: TableName): string {
  const rows: string[] = [];
  if (name === 'readme') {
    rows.push('| flag | environment | default |', '|---|---|---|');
    for (const [, e] of entries) {
      if (!e.readme || e.flag === undefined || e.env === undefined) continue;
      rows.push(`| ${code(e.flag.split(' ')[0]!)} | ${code(e.env)} | ${cell(shownDefault(e))} |`);
    }
  } else if (name === 'cli') {
    rows.push('| flag | environment | default | meaning |', '| --- | --- | --- | --- |');
    for (const [, e] of entries) {
      if (e.flag === undefined || e.env === undefined) continue;
      const meaning = onlyFor(e) + (e.docs ?? e.description);
      rows.push(
        `| ${code(e.flag)} | ${code(e.env)} | ${cell(shownDefault(e))} | ${cell(meaning)} |`,
      );
    }
  } else {
    rows.push(
      '| `defaults.` | default | unit | set with | meaning |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const [key, e] of entries) {
      const where = [...(e.options ?? []), ...(e.flag ? [e.flag.split(' ')[0]!] : [])];
      if (!e.options?.some((o) => /^[A-Z]/.test(o))) continue;
      rows.push(
        `| ${code(key)} | ${cell(shownDefault(e))} | ${e.unit ?? ''} | ${where.map(code).join(', ')} | ${cell(e.docs ?? e.description)} |`,
      );
    }
  }
  return rows.join('\n');
}

const region = (name: TableName) =>
  new RegExp(`(<!-- defaults-table: ${name} -->\\n)([\\s\\S]*?)(\\n<!-- /defaults-table -->)`);

/** The table as it stands in its file, or undefined when the file has no such region. */
export function readTable(name: TableName): string | undefined {
  const text = readFileSync(join(repoRoot, tableFiles[name]), 'utf8');
  return region(name).exec(text)?.[2];
}

/** The file's text with its table replaced by the rendered one. */
export function withTable(name: TableName, text: string): string {
  if (!region(name).test(text)) throw new Error(`${tableFiles[name]}: no defaults-table ${name}`);
  return text.replace(region(name), (_, open: string, _old: string, close: string) => {
    return `${open}${renderTable(name)}${close}`;
  });
}
