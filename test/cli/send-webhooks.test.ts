// trigger's sender: an endpoint that takes the request and does not answer in time is reported
// as that (it was "failed to connect" with a doubled space), and the default timeout outlasts
// serve's SQLite busy timeout, so a busy serve's 503 reaches trigger instead of a give-up.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWebhooks } from '../../src/cli/send-webhooks.js';
import { defaults } from '../../src/defaults.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe('sendWebhooks', () => {
  it('names a request that got no answer in time, not a connection failure', async () => {
    let received = 0;
    server = createServer(() => {
      received++; // takes the request, never answers
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = new URL(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`,
    );
    const summary = await sendWebhooks({
      url,
      count: 1,
      concurrency: 1,
      body: () => '{"id":"event_1","event":"dsync.user.created","data":{}}',
      secret: 'whsec_send',
      timeoutMs: 50,
    });
    expect(received).toBe(1);
    expect(summary).toMatchObject({ sent: 1, '2xx': 0, errors: 1 });
    expect(summary.firstFailure).toBe(`${url.href}: no answer within 50 ms`);
  });

  it('waits longer than serve waits for SQLite’s write lock', () => {
    expect(defaults.triggerTimeoutMs.value).toBeGreaterThan(defaults.busyTimeoutMs.value);
  });
});
