// The declarations a consumer's `tsc` reads, from each entry of package.json's exports, never
// reach an optional peer's types: a SQLite-only app has no `pg` (nor `@types/pg`), and without
// skipLibCheck its type check failed on `dist/store/postgres/postgres-config.d.ts` importing them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './cli-harness.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types?: string }>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const optionalPeers = Object.entries(pkg.peerDependenciesMeta)
  .filter(([, meta]) => meta.optional)
  .map(([name]) => name);

/** Every module specifier a declaration file imports or re-exports, `import('…')` types included. */
function specifiers(text: string): string[] {
  const found = text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g);
  return [...found].map((m) => m[1]!);
}

/** The declaration files reachable from `entry`, with the bare specifiers each imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const imports = specifiers(readFileSync(file, 'utf8'));
    seen.set(
      file,
      imports.filter((s) => !s.startsWith('.')),
    );
    for (const s of imports.filter((x) => x.startsWith('.'))) {
      const target = resolve(dirname(file), s.replace(/\.js$/, '.d.ts'));
      if (existsSync(target)) queue.push(target);
    }
  }
  return seen;
}

describe('the published declarations', () => {
  beforeAll(() => ensureBuilt());

  it('name pg, express, fastify and hono nowhere a consumer’s type check reaches', () => {
    expect(optionalPeers.sort()).toEqual(['express', 'fastify', 'hono', 'pg']);
    const entries = Object.values(pkg.exports)
      .map((e) => (typeof e === 'string' ? undefined : e.types))
      .filter((t): t is string => t !== undefined);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const offenders: string[] = [];
    let files = 0;
    for (const entry of entries) {
      for (const [file, bare] of reachable(join(repoRoot, entry))) {
        files++;
        for (const s of bare) {
          if (optionalPeers.some((p) => s === p || s.startsWith(`${p}/`))) {
            offenders.push(`${file.slice(repoRoot.length + 1)} imports ${s}`);
          }
        }
      }
    }
    expect(files).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });
});
