import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureBuilt, freePort, repoRoot, waitFor } from './cli-harness.js';

// The package as npm publishes it: `npm pack`, installed into an empty project, run with npx.
let dir: string;
let consumer: string;
let files: string[];

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: childEnv(), encoding: 'utf8' });
}

/** Run a command in the consumer project to completion. */
function run(
  file: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: consumer,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wi-pack-'));
  // dist/ is built (npm test builds first; ensureBuilt when run alone), so the prepack build is
  // skipped here; a plain `npm pack` runs it.
  const [packed] = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], repoRoot),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((f) => f.path);
  consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  npm(['init', '-y'], consumer);
  // From the npm cache where it can. Install scripts are skipped: better-sqlite3's compiles
  // SQLite from source (minutes on two cores); this checkout's build of the same version for the
  // same Node is copied in instead.
  const tarball = join(dir, packed!.filename);
  npm(
    ['install', tarball, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    consumer,
  );
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(dirname(join(consumer, addon)), { recursive: true });
  copyFileSync(join(repoRoot, addon), join(consumer, addon));
  // Packing and installing takes tens of seconds on a loaded two-core machine; a generous bound.
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the published package (npm pack, installed into an empty project)', () => {
  it('ships dist/ and every doc the README links to, and no sources, tests or benchmarks', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const linked = [...new Set([...readme.matchAll(/\]\((docs\/[\w.-]+\.md)/g)].map((m) => m[1]!))];
    expect(linked.length).toBeGreaterThan(0);
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'LICENSE',
        'dist/index.js',
        'dist/web.js',
        'dist/cli/main.js',
        ...linked,
      ]),
    );
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
    // No source maps: they would point at src/, which is not shipped.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('its bin `workos-inbox serve` answers /healthz, and stops with exit code 0 on SIGTERM', async () => {
    const port = await freePort();
    // The bin npx runs (node_modules/.bin/workos-inbox), started directly: npx would stand
    // between the signal and the server and answer 143 for itself.
    const bin = join(consumer, 'node_modules/.bin/workos-inbox');
    const args = ['serve', '--host', '127.0.0.1', '--port', String(port)];
    const child = spawn(bin, args, {
      cwd: consumer,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const status = await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
        },
        'serve to answer /healthz',
        120_000,
      );
      expect(status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('installs without pg (an optional peer) and says to install it for a postgres:// URL', async () => {
    expect(existsSync(join(consumer, 'node_modules/pg'))).toBe(false);
    const database = 'postgres://postgres@127.0.0.1:1/nothing_here';
    const result = await run('npx', [
      '--offline',
      'workos-inbox',
      'events',
      'list',
      '--database',
      database,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('npm install pg');
    // One line for the user, not a stack trace.
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('says how to build better-sqlite3 when its addon was never built (npm skipped its install script)', async () => {
    // This project was installed with --ignore-scripts, as an npm that blocks install scripts
    // leaves it; only the copied build made SQLite work. Without it:
    const addon = join(consumer, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    renameSync(addon, `${addon}.aside`);
    try {
      const result = await run('npx', [
        '--offline',
        'workos-inbox',
        'migrate',
        '--database',
        join(dir, 'addon.db'),
      ]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('npm rebuild better-sqlite3');
      expect(result.stderr).toContain('npm install-scripts approve better-sqlite3');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      renameSync(`${addon}.aside`, addon);
    }
  });

  it("resolves 'workos-inbox' and 'workos-inbox/web' by name", async () => {
    const script =
      "const m = await import('workos-inbox'); const w = await import('workos-inbox/web');" +
      'console.log(typeof m.openStore, typeof m.verifySignature, typeof w.verifySignature);';
    const result = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function function');
  });

  it('type-checks an import of every entry of its exports under moduleResolution node10', async () => {
    // Next.js and classic CommonJS TypeScript projects resolve with "node" (node10), which reads
    // no `exports`: without `typesVersions` every subpath failed with TS2307 although it ran.
    const { exports } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const specifiers = Object.keys(exports)
      .filter((key) => key !== './package.json')
      .map((key) => `workos-inbox${key.slice(1)}`);
    expect(specifiers).toEqual(['workos-inbox', 'workos-inbox/web', 'workos-inbox/testing']);
    writeFileSync(
      join(consumer, 'node10.ts'),
      specifiers
        .map((s, i) => `import * as m${i} from '${s}';\nexport const e${i}: object = m${i};\n`)
        .join(''),
    );
    writeFileSync(
      join(consumer, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          strict: true,
          // As `tsc --init` and Next.js set it: pino's declarations (which ours import) need it.
          esModuleInterop: true,
          noEmit: true,
          // @types/node as an app has it; the package's own declarations are checked too.
          typeRoots: [join(repoRoot, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['node10.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.node10.json']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
