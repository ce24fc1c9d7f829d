// Copy each example region into the docs' code blocks marked with it:
//   npx tsx test/docs/sync-doc-blocks.ts
// Edit the example (type-checked, linted and run by test/docs), then run this; code-blocks.test.ts
// fails while a block differs from its region.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docFiles, readDocBlocks, readRegion, repoRoot } from './doc-blocks.js';

for (const file of docFiles()) {
  const path = join(repoRoot, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  // Last block first, so earlier line numbers stay valid.
  const blocks = readDocBlocks(file)
    .filter((b) => b.example)
    .reverse();
  let changed = 0;
  for (const block of blocks) {
    const indent = /^ */.exec(lines[block.line - 1]!)![0];
    const old = block.code.split('\n').length - 1;
    const region = readRegion(block.example!.path, block.example!.region);
    if (region === block.code) continue;
    const fresh = region
      .slice(0, -1)
      .split('\n')
      .map((l) => (l === '' ? '' : indent + l));
    lines.splice(block.line, old, ...fresh);
    changed++;
  }
  if (changed > 0) {
    writeFileSync(path, lines.join('\n'));
    console.log(`${file}: ${changed} block(s) updated`);
  }
}
