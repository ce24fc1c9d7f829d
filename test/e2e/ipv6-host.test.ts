// `serve --host ::1` (an IPv6 address) in development: the URL it shows was built as
// `http://::1:3000`, which is no URL. The development banner parses it, so serve stopped at start
// with `TypeError: Invalid URL` and a stack (exit 1); with credentials given it started but logged
// that URL. And with `--processes N` the banner named 127.0.0.1 whatever --host was. An IPv6
// address is now shown in brackets, and the banner names the address serve listens on.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, cliPath, ensureBuilt, runCli, waitFor } from './cli-harness.js';

describe('serve --host ::1 in development (built CLI)', () => {
  let cwd: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-ipv6-host-'));
  });
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([[['--processes', '1']], [['--processes', '2']]])(
    '%j: starts, and the banner trigger line names [::1] and works as printed',
    async (processes) => {
      const serve = spawn(
        process.execPath,
        [cliPath, 'serve', '--host', '::1', '--port', '0', ...processes],
        {
          cwd,
          env: childEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = serve;
      let stdout = '';
      let stderr = '';
      serve.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      serve.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((r) => serve.on('exit', (code) => r(code)));

      // Ends early, with serve's output, when serve exits at start.
      const found = await waitFor(
        async () =>
          serve.exitCode !== null
            ? { exited: serve.exitCode }
            : /npx workos-inbox (trigger .*)/.exec(stderr)?.[1],
        `the banner's trigger line\n${stderr}`,
      );
      expect(found, stderr).toEqual(expect.any(String));
      const triggerLine = String(found);
      const port = Number(/--to http:\/\/\[::1\]:(\d+)\/webhooks\/workos/.exec(triggerLine)?.[1]);
      expect(port, triggerLine).toBeGreaterThan(0);
      expect(stderr).toContain(`http://[::1]:${port}/inbox/events`);
      await waitFor(async () => stdout.includes('"msg":"workos-inbox serving"'), 'serving');
      expect(stdout).toContain(`"url":"http://[::1]:${port}"`);

      const sent = await runCli(triggerLine.trim().split(/\s+/), { cwd });
      expect(sent.code, sent.stdout + sent.stderr).toBe(0);
      expect(sent.stdout).toContain('2xx 1');

      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toContain('Invalid URL');
    },
  );
});
