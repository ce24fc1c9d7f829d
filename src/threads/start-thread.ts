import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The ESM build of `tsx/esm/api` (require.resolve would give the CommonJS one). */
function tsxEsmApi(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return new URL(entry, pathToFileURL(manifestPath)).href;
}

/**
 * A worker thread running the module `name` (without extension) next to `here` (the caller's
 * `import.meta.url`): its `.js` file in the build, its `.ts` file when running from source
 * (vitest, tsx), where the thread first registers tsx's loader to import TypeScript.
 */
export function startThread(name: string, here: string, workerData: unknown): Worker {
  if (here.endsWith('.ts')) {
    const tsx = tsxEsmApi(here);
    const entry = new URL(`./${name}.ts`, here).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL(`./${name}.js`, here), { workerData });
}
