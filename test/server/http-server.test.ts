// The HTTP server's timeouts come from src/defaults.ts: a request's headers within the shorter of
// the request timeout and the table's cap, an idle keep-alive connection closed after the table's
// time. A load balancer in front is configured against these numbers (its idle timeout must be
// shorter than ours, or it reuses a connection we are closing).
import { afterEach, describe, expect, it } from 'vitest';
import { defaults } from '../../src/defaults.js';
import { startHttpServer } from '../../src/server/http-server.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';

let running: RunningHttpServer | undefined;
afterEach(async () => {
  await running?.close(100);
  running = undefined;
});

const start = (requestTimeoutMs: number) =>
  startHttpServer(
    { port: 0, host: '127.0.0.1', maxHeaderBytes: 16 * 1024, requestTimeoutMs },
    (_req, res) => res.end(),
  );

describe('startHttpServer timeouts', () => {
  it('caps the headers timeout at the table value when the request timeout is longer', async () => {
    running = await start(defaults.headersTimeoutMaxMs.value * 2);
    expect(running.server.requestTimeout).toBe(defaults.headersTimeoutMaxMs.value * 2);
    expect(running.server.headersTimeout).toBe(defaults.headersTimeoutMaxMs.value);
    expect(running.server.keepAliveTimeout).toBe(defaults.keepAliveTimeoutMs.value);
  });

  it('uses the request timeout for headers when it is the shorter', async () => {
    running = await start(1500);
    expect(running.server.requestTimeout).toBe(1500);
    expect(running.server.headersTimeout).toBe(1500);
  });
});
