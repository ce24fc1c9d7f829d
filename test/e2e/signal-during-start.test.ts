// serve binds its port before its worker thread is up (so a serve that cannot listen changes
// nothing), so /healthz can answer while it is still starting. A SIGTERM then (a deploy, a
// supervisor that saw /healthz) used to kill it without draining, exit by signal; it now finishes
// starting, then stops as on any SIGTERM, exit 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patienceMs } from '../helpers/patience.js';
import { childEnv, cliPath, ensureBuilt, freePort, waitFor } from './cli-harness.js';

let cwd: string;
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-signal-start-'));
  // Loading the handlers holds the worker thread's start until the test has sent its signal.
  writeFileSync(
    join(cwd, 'slow-handlers.mjs'),
    `import { existsSync } from 'node:fs';
while (!existsSync(${JSON.stringify(join(cwd, 'signalled'))})) await new Promise((r) => setTimeout(r, 20));
export default { 'dsync.user.created': async () => {} };
`,
  );
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('a signal while serve starts', () => {
  it('SIGTERM after /healthz answers and before the worker thread is up: it starts, then stops cleanly', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        cliPath,
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--handlers',
        './slow-handlers.mjs',
      ],
      { cwd, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return res.status === 200;
      }, '/healthz');
      expect(output).not.toContain('"msg":"workos-inbox serving"');
      child.kill('SIGTERM');
      await waitFor(async () => output.includes('stopping once started'), 'the signal noted');
      writeFileSync(join(cwd, 'signalled'), '');
      const killer = setTimeout(() => child.kill('SIGKILL'), patienceMs);
      const code = await exited;
      clearTimeout(killer);
      expect(code, output).toBe(0);
      expect(output).toContain('stopped cleanly');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
