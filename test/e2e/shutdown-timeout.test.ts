import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

// A handler that never returns holds its event's transaction (on SQLite, the write lock). On
// SIGTERM, serve waits --shutdown-timeout-ms for it, gives back its leases within a bounded time,
// and exits. Before the fix the worker ignored the flag (a fixed 30 s) and then waited on the
// write lock without a bound; the stop below kills it after 20 s, so such a serve fails here.
const handlersModule = `
import { writeFileSync } from 'node:fs';
export default {
  async 'dsync.user.created'() {
    writeFileSync('handler-started', '');
    await new Promise(() => {});
  },
};
`;

describe('serve --shutdown-timeout-ms with a handler that never returns (built CLI, SQLite)', () => {
  let cwd: string;

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-shutdown-'));
    writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
  });
  afterAll(() => {
    killAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('exits on SIGTERM once the timeout has passed, not after the default 30 s', async () => {
    const serve = await startServe(
      ['--handlers', './handlers.mjs', '--shutdown-timeout-ms', '500'],
      {
        cwd,
      },
    );
    const sent = await runCli(
      ['trigger', 'dsync.user.created', '--to', `${serve.base}/webhooks/workos`],
      { cwd },
    );
    expect(sent.code, sent.stderr).toBe(0);
    await waitFor(async () => existsSync(join(cwd, 'handler-started')), 'the handler to start');
    const code = await serve.stop('SIGTERM', 20_000);
    expect(code, serve.output().stderr).toBe(0);
  });
});
