// `serve --processes 2` in development prints the banner once, from the primary. It named
// `config.port`, so with `--port 0` ("0 picks a free one") the lines to paste sent events to
// port 0. It now waits for the first process to listen and names the port the cluster picked.
// It also said nothing of the dashboard, whose one-time link a single serve prints: it now names
// the sign-in page and the admin token, the sign-in that works whichever process answers.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, cliPath, ensureBuilt, runCli, waitFor } from './cli-harness.js';

describe('serve --processes 2 --port 0: the development banner (built CLI)', () => {
  let cwd: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-cluster-banner-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('names the port the processes listen on; its trigger line and dashboard sign-in work as printed', async () => {
    const serve = spawn(
      process.execPath,
      [cliPath, 'serve', '--host', '127.0.0.1', '--port', '0', '--processes', '2'],
      { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = serve;
    let stdout = '';
    let stderr = '';
    serve.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    serve.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => serve.on('exit', (code) => r(code)));

    const triggerLine = await waitFor(
      async () => /npx workos-inbox (trigger .*)/.exec(stderr)?.[1],
      `the banner's trigger line\n${stderr}`,
    );
    const port = Number(/--to http:\/\/127\.0\.0\.1:(\d+)\//.exec(triggerLine)?.[1]);
    expect(port, triggerLine).toBeGreaterThan(0);
    expect(stderr).toContain(`http://127.0.0.1:${port}/inbox/events`);
    // Both processes listen there.
    await waitFor(
      async () => (stdout.match(/"msg":"workos-inbox serving"/g) ?? []).length === 2,
      `both processes serving\n${stdout}`,
    );
    expect(stdout).toContain(`"url":"http://127.0.0.1:${port}"`);

    // Pasted as printed, it reaches this serve.
    const sent = await runCli(triggerLine.trim().split(/\s+/), { cwd });
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(sent.stdout).toContain('2xx 1');

    // The dashboard: a one-time link would work only on the process that issued it, so the
    // banner names the sign-in page and the admin token, and signing in there works as printed.
    const signInUrl = /\n\s+(http:\/\/\S+\/dashboard\/\S*)\n/.exec(stderr)?.[1];
    expect(signInUrl, stderr).toBe(`http://127.0.0.1:${port}/dashboard/signin`);
    expect(stderr).toContain('sign in with the admin token above');
    const adminToken = /admin token\s+(\S+)/.exec(stderr)?.[1] ?? '';
    const form = await fetch(signInUrl ?? '');
    expect(form.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signed = await fetch(signInUrl ?? '', {
      method: 'POST',
      headers: {
        cookie: (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ csrf, token: adminToken }).toString(),
      redirect: 'manual',
    });
    expect(signed.status).toBe(303);
    const session =
      signed.headers
        .getSetCookie()
        .find((c) => c.startsWith('wi_session='))
        ?.split(';')[0] ?? '';
    const overview = await fetch(new URL(signed.headers.get('location') ?? '', signInUrl), {
      headers: { cookie: session },
      redirect: 'manual',
    });
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain('Overview');

    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    // Printed once, by the primary.
    expect(stderr.match(/send a signed test event/g)).toHaveLength(1);
  });
});
