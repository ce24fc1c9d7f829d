// `workos-inbox/web` must load in runtimes without Node built-ins: walk every module its entry
// imports (statically or dynamically) and fail on any `node:` or bare specifier.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function importGraph(entry: string): { files: string[]; external: string[] } {
  const seen = new Set<string>();
  const external: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Type-only imports vanish at compile time: they cannot pull anything into a runtime.
    const code = readFileSync(file, 'utf8').replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, '');
    for (const [, specifier] of code.matchAll(specifierPattern)) {
      if (!specifier!.startsWith('.')) {
        external.push(`${file.slice(srcDir.length + 1)} → ${specifier}`);
        continue;
      }
      queue.push(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
    }
  }
  return { files: [...seen], external };
}

describe('workos-inbox/web import graph', () => {
  const { files, external } = importGraph(resolve(srcDir, 'web.ts'));

  it('reaches the Web Crypto verifier and the shared checks', () => {
    const names = files.map((f) => f.slice(srcDir.length + 1));
    expect(names).toEqual(
      expect.arrayContaining([
        'signature/web/verify.ts',
        'signature/parse-header.ts',
        'signature/check-timestamp.ts',
      ]),
    );
    expect(names).not.toContain('signature/verify.ts');
  });

  it('imports no node: module and no package at all', () => {
    expect(external).toEqual([]);
  });

  it('the scanner does see node: imports (it would catch one)', () => {
    const nodeSide = importGraph(resolve(srcDir, 'signature/verify.ts'));
    expect(nodeSide.external).toEqual(
      expect.arrayContaining([expect.stringMatching(/node:crypto$/)]),
    );
  });
});
