import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childEnv, cliPath, ensureBuilt, repoRoot } from './cli-harness.js';

// `npx workos-inbox` in a clone runs dist/cli/main.js through a link npm made executable only
// when it first created it; a dist/ built again (a fresh clone at the same path, `rm -rf dist`)
// must be runnable by itself, as `npm run build` leaves it.
describe('the built bin', () => {
  it('runs directly, without `node` in front', () => {
    ensureBuilt();
    const version = execFileSync(cliPath, ['--version'], {
      cwd: repoRoot,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
