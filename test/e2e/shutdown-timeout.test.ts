import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';
import { patienceMs } from '../helpers/patience.js';

// A handler that never returns holds its event's transaction (on SQLite, the write lock), so the
// drain cannot finish: as docs/cli.md says, serve exits 1 once --shutdown-timeout-ms (plus 5 s)
// has passed. Before that, the worker must have given up on the handler at --shutdown-timeout-ms
// and tried (bounded) to give back its lease. Before the fix the worker ignored the flag and
// waited a fixed 30 s, so the process was cut at the deadline without that log line.
const handlersModule = `
import { writeFileSync } from 'node:fs';
export default {
  async 'dsync.user.created'() {
    writeFileSync('handler-started', '');
    // Never settles, and (like a request that never answers) keeps the event loop alive.
    await new Promise(() => setInterval(() => {}, 1000));
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

  it('the worker gives up on the handler at the timeout, and serve exits 1 at the deadline', async () => {
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
    const code = await serve.stop('SIGTERM', patienceMs);
    const { stdout, stderr } = serve.output();
    expect(code, `${stdout}\n${stderr}`).toBe(1);
    expect(stdout).toContain('"msg":"drain did not finish in time; exiting"');
    // The worker stopped waiting at the flag's 500 ms (not 30 s) and gave up on the lease.
    expect(stdout).toContain('could not release leases in time');
  });
});
