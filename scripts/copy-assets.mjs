// tsc copies no .sql or .css files: copy every src/**/*.sql (migrations) and *.css (the
// dashboard's stylesheet) next to its compiled module in dist/. Then make the bin executable:
// tsc writes it 0644, and `npx workos-inbox` in a clone runs it through a link that npm made
// executable only when it first linked it, so a rebuilt dist/ (a fresh clone at the same path,
// `rm -rf dist`) answered "Permission denied".
import { chmodSync, cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.sql') || p.endsWith('.css')) {
      const out = join('dist', relative('src', p));
      mkdirSync(dirname(out), { recursive: true });
      cpSync(p, out);
    }
  }
}
walk('src');
chmodSync(join('dist', 'cli', 'main.js'), 0o755);
