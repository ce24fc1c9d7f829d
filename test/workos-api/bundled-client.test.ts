// The client as a bundler (Next.js, esbuild) ships it: one file, no package.json beside it. Its
// User-Agent must still name our version, and importing it must not read package.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/version.js';
import type * as ClientModule from '../../src/workos-api/index.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };
const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the WorkOS API client, bundled', () => {
  it('src/version.ts says the version package.json says (npm version keeps them equal)', () => {
    expect(packageVersion).toBe(version);
  });

  it('imports with no package.json beside it and sends workos-inbox/<version> node/<version>', async () => {
    const outfile = join(dir, 'client.mjs');
    await build({
      entryPoints: [new URL('../../src/workos-api/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    const bundled = (await import(pathToFileURL(outfile).href)) as typeof ClientModule;
    const expected = `workos-inbox/${version} node/${process.versions.node}`;
    expect(bundled.userAgent).toBe(expected);
    const api = await startWorkosApiStandIn();
    try {
      const client = new bundled.WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url });
      await client.listEvents({ limit: 1 });
      expect(api.requests[0]!.userAgent).toBe(expected);
    } finally {
      await api.close();
    }
  });
});
