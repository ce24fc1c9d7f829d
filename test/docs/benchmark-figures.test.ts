// The benchmark figures of the README and the area docs are summaries of docs/benchmarks.md:
// every number they show must appear there, so a new run cannot update one and not the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './doc-blocks.js';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const notebook = read('docs/benchmarks.md');

/** The text from `heading` to the next heading of the same or a higher level. */
function section(file: string, heading: string): string {
  const text = read(file);
  const start = text.indexOf(`${heading}\n`);
  expect(start, `${file}: ${heading}`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)![0];
  const next = text.slice(start + heading.length).search(new RegExp(`\\n#{1,${level.length}} `));
  return next === -1 ? text.slice(start) : text.slice(start, start + heading.length + next);
}

/** Measured figures: `4.05`, `10,480`, `3.24–4.05`, `129–131` (not `8` of "8 s" or `500`). */
function figures(text: string): string[] {
  const withoutLinks = text.replace(/\]\([^)]*\)/g, ']');
  const found = withoutLinks.match(/\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?–\d+(?:\.\d+)?/g);
  return [...new Set(found ?? [])];
}

const summaries = [
  ['README.md', '## Benchmarks'],
  ['docs/inbox.md', '### Benchmark (`npm run bench:ingest`)'],
  ['docs/mirror.md', '### Benchmark (`npm run bench:mirror`)'],
] as const;

describe('benchmark summaries agree with docs/benchmarks.md', () => {
  it.each(summaries)('every figure of %s %s is in the notebook', (file, heading) => {
    const shown = figures(section(file, heading));
    expect(shown.length).toBeGreaterThan(10);
    const missing = shown.filter((figure) => !notebook.includes(figure));
    expect(missing, `${file}: figures not in docs/benchmarks.md`).toEqual([]);
  });

  it("every figure of the README's bench:pull paragraph is in the notebook", () => {
    const readme = read('README.md');
    const start = readme.indexOf('`npm run bench:pull` catches up');
    expect(start).toBeGreaterThanOrEqual(0);
    const shown = figures(readme.slice(start, readme.indexOf('\n\n', start)));
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.filter((figure) => !notebook.includes(figure))).toEqual([]);
  });

  it('the README names no time of day (run details live in the notebook)', () => {
    expect(section('README.md', '## Benchmarks')).not.toMatch(/\d\d:\d\d UTC/);
    expect(section('README.md', '## How it scales')).not.toMatch(/\d\d:\d\d UTC/);
  });
});
