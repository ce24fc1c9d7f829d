// `trigger --count N` stopped with Ctrl-C: it sends no more, lets the requests in flight be
// answered, and prints what it sent and what was answered, so they can be compared with what the
// inbox stored. It exited with no output at all.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patienceMs } from '../helpers/patience.js';
import { childEnv, cliPath, ensureBuilt, waitFor } from './cli-harness.js';

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200).end('ok');
  });
});

beforeAll(async () => {
  ensureBuilt();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Run `trigger … --count 1000000 [flags]` until the server received 20, then Ctrl-C. */
async function interrupted(flags: readonly string[]) {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`;
  const child = spawn(
    process.execPath,
    [cliPath, 'trigger', 'dsync.user.created', '--count', '1000000', '--to', url, ...flags],
    {
      env: childEnv({ WORKOS_WEBHOOK_SECRET: 'whsec_trigger_interrupt' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const before = received;
  try {
    await waitFor(async () => received - before >= 20, 'trigger to send some events');
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), patienceMs);
    const code = await exited;
    clearTimeout(killer);
    return { code, stdout, stderr, received: received - before };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('trigger interrupted', () => {
  it('Ctrl-C prints the summary of what was sent and answered, and exits 1', async () => {
    const { code, stdout, stderr, received } = await interrupted([]);
    expect(code, stderr).toBe(1);
    // Every request it counts as sent was answered: the summary equals what the server saw.
    expect(stdout).toContain(`sent ${received} · 2xx ${received} · 4xx 0 · 5xx 0`);
    expect(stderr).toContain(
      `interrupted: ${received} of 1000000 sent (those in flight were answered first)`,
    );
  });

  it('--json: the summary with `error` trigger_stopped, one object, exit 1', async () => {
    const { code, stdout, stderr, received } = await interrupted(['--json']);
    expect(code, stderr).toBe(1);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    // Every answer was a 2xx: `error` is what tells a script this run did not finish.
    const message = `interrupted: ${received} of 1000000 sent (those in flight were answered first)`;
    expect(JSON.parse(stdout)).toMatchObject({
      sent: received,
      '2xx': received,
      error: { code: 'trigger_stopped', message },
    });
    expect(stderr).toContain(message);
  });
});
