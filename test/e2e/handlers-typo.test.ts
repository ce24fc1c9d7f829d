// `serve --handlers` with a name WorkOS does not send: one warning naming the flag and close
// names. It was two of each, the second worded for `inbox.on`, which serve's users never call;
// with --processes N it was one per process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killAll, startServe, waitFor } from './cli-harness.js';

let cwd: string;
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-handlers-typo-'));
  writeFileSync(
    join(cwd, 'handlers.mjs'),
    `export default { async 'dsync.user.creatd'() {}, async 'dsync.user.updated'() {} };`,
  );
});
afterAll(() => {
  killAll();
  rmSync(cwd, { recursive: true, force: true });
});

describe('serve --handlers with a misspelt event name', () => {
  // --processes 2: once too, from the primary, not once per process.
  it.each([[[]], [['--no-worker-thread']], [['--processes', '2']]])(
    '%j warns once',
    async (flags) => {
      const serve = await startServe(['--handlers', './handlers.mjs', ...flags], { cwd });
      const processes = flags.includes('--processes') ? 2 : 1;
      await waitFor(
        async () =>
          (serve.output().stdout.match(/"msg":"workos-inbox serving"/g) ?? []).length === processes,
        `${processes} processes serving\n${serve.output().stdout}`,
      );
      // Once it has drained, everything it had to say is said.
      expect(await serve.stop()).toBe(0);
      const warnings = serve
        .output()
        .stdout.split('\n')
        .filter((line) => line.includes('dsync.user.creatd'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; didYouMean: string[] })
        .filter((line) => line.level === 40);
      expect(warnings).toEqual([
        {
          ...warnings[0],
          msg: '--handlers: "dsync.user.creatd" is not an event WorkOS sends; a typo?',
          didYouMean: expect.arrayContaining(['dsync.user.created']),
        },
      ]);
    },
  );
});
