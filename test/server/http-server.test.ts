// The HTTP server's timeouts come from src/defaults.ts: a request's headers within the shorter of
// the request timeout and the table's cap, an idle keep-alive connection closed after the table's
// time. A load balancer in front is configured against these numbers (its idle timeout must be
// shorter than ours, or it reuses a connection we are closing).
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
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

describe('requests Node’s parser refuses before any handler runs', () => {
  /** Send raw bytes, read everything until the server closes the connection. */
  const exchange = async (port: number, bytes: string) => {
    const socket = connect(port, '127.0.0.1');
    socket.end(bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const [head, body] = text.split('\r\n\r\n');
    return { status: Number(head!.split(' ')[1]), head: head!, body: JSON.parse(body!) as unknown };
  };

  it.each([
    [
      'headers over the limit',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    ['bytes that are not HTTP', 'GARBAGE\r\n\r\n', 400, 'malformed_request'],
  ])('%s: answered with the one error body', async (_name, bytes, status, code) => {
    running = await start(30_000);
    const port = (running.server.address() as AddressInfo).port;
    const answer = await exchange(port, bytes);
    expect(answer.status).toBe(status);
    expect(answer.head.toLowerCase()).toContain('content-type: application/json');
    expect(answer.body).toMatchObject({ code, message: expect.any(String) });
    expect(Object.keys(answer.body as object).sort()).toEqual(['code', 'error', 'message']);
  });
});
