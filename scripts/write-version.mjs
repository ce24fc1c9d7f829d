// `npm version` runs this (the `version` script) after bumping package.json and before its commit:
// src/version.ts takes the new version, so the User-Agent and `--version` never read
// package.json at run time (a bundle has none beside it).
import { readFileSync, writeFileSync } from 'node:fs';

// Run from the package's folder, as npm runs scripts.
const path = 'src/version.ts';
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const text = readFileSync(path, 'utf8');
const next = text.replace(/packageVersion = '[^']*'/, `packageVersion = '${version}'`);
if (!next.includes(`packageVersion = '${version}'`)) {
  throw new Error(`src/version.ts: no packageVersion constant to set to ${version}`);
}
writeFileSync(path, next);
