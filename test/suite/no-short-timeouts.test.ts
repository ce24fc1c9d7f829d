// The suite must pass on a loaded machine: every wait ends on its condition, under one patience
// (test/helpers/patience.ts) and vitest's 300 s hang guard (vitest.config.ts). A file that sets a
// shorter limit of its own (a `vi.setConfig`, a per-test or per-poll timeout, a bare `setTimeout`
// deadline) fails there first when the cores are busy, so none may: a limit written as a number
// in a test file must be at least the hang guard (the heaviest tests ask for more).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const root = join(import.meta.dirname, '..', '..');
const hangGuardMs = config.test?.testTimeout ?? 0;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Numeric limits: `timeout: 60_000`, `testTimeout: …`, and a test's own `}, 240_000);`. */
const limits = [
  /[tT]imeout\s*[:=]\s*(\d[\d_]{3,})/g,
  /^\s*\},\s*(\d[\d_]{3,})\s*\);\s*$/gm,
  /^\s*\},\s*\n\s*(\d[\d_]{3,}),?\s*\n\s*\);/gm,
];

describe('no test file shortens the suite’s patience', () => {
  it('reads the hang guard from vitest.config.ts', () => {
    expect(hangGuardMs).toBeGreaterThanOrEqual(300_000);
  });

  it('sets no vi.setConfig and no numeric limit below the hang guard', () => {
    const offenders: string[] = [];
    for (const file of testFiles(join(root, 'test'))) {
      const name = relative(root, file);
      if (name.endsWith('no-short-timeouts.test.ts')) continue;
      const text = readFileSync(file, 'utf8');
      if (text.includes('vi.setConfig(')) offenders.push(`${name}: vi.setConfig`);
      for (const match of limits.flatMap((limit) => [...text.matchAll(limit)])) {
        const ms = Number(match[1]!.replace(/_/g, ''));
        if (ms < hangGuardMs) offenders.push(`${name}: ${match[0].trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
