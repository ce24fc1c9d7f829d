// `serve --pull` and `serve --reconcile-every` while WorkOS's API accepts a request and never
// answers it: SIGTERM must end that request and drain cleanly (exit 0), giving the puller lease
// back, as docs/cli.md's Shutdown section says. Before the fix only the wait between retries was
// cut short: the request in flight was left to --api-timeout-ms (30 s by default, 10 min here),
// so the drain ran past --shutdown-timeout-ms and serve exited 1 ("drain did not finish in
// time"), leaving the puller lease to expire instead of being given back.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullerLeaseName } from '../../src/pull/pull-loop.js';
import { openStore } from '../../src/store/open-store.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import { patienceMs } from '../helpers/patience.js';
import { ensureBuilt, killAll, startServe, useFreshFolder, waitFor } from './cli-harness.js';

let api: Server;
let apiUrl: string;
const requests: IncomingMessage[] = [];

beforeAll(async () => {
  ensureBuilt();
  // Reads each request and never answers it.
  api = createServer((req) => {
    requests.push(req);
    req.resume();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  killAll();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
});

describe('serve draining while WorkOS does not answer (built CLI, SQLite)', () => {
  const cwd = useFreshFolder('wi-unanswering-');
  beforeEach(() => {
    requests.length = 0;
  });

  const common = () => [
    '--api-key',
    'sk_test_unanswering',
    '--api-url',
    apiUrl,
    '--api-timeout-ms',
    '600000',
    '--shutdown-timeout-ms',
    '500',
  ];

  it.each([
    { name: '--pull', flags: ['--pull'] },
    { name: '--reconcile-every', flags: ['--reconcile-every', '24h'] },
  ])('$name: SIGTERM ends the request in flight and exits 0', async ({ flags }) => {
    const serve = await startServe([...common(), ...flags], { cwd: cwd() });
    await waitFor(async () => requests.length > 0, 'a request to WorkOS');
    const code = await serve.stop('SIGTERM', patienceMs);
    const { stdout, stderr } = serve.output();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('"msg":"stopped cleanly"');
    expect(stdout).not.toContain('drain did not finish in time');
    // Nothing failed: a shutdown is not an Events API failure to warn about.
    expect(stdout).not.toContain('Events API pull failed');
    if (flags[0] === '--pull') {
      const store = await openStore({ database: join(cwd(), '.workos-inbox', 'inbox.db') });
      try {
        expect(await store.read((db) => readNamedLease(db, pullerLeaseName))).toBeUndefined();
      } finally {
        await store.close();
      }
    }
  });
});
