import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../inbox/helpers/events.js';
import { ensureBuilt, killAll, startServe } from './cli-harness.js';
import type { ServeProcess } from './cli-harness.js';

// A client still uploading when the server closes the connection sees ECONNRESET / EPIPE instead
// of the 413. It shows only across processes (in one process the client's writes and the server's
// close interleave on one event loop), so this runs the built `serve`.
describe('serve answers an oversized body 413, and the client reads it', () => {
  let cwd: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-oversized-'));
    serve = await startServe([], { cwd });
  });

  afterAll(() => {
    killAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('Node fetch posting 5 MiB gets 413 on each of 20 tries; nothing is stored', async () => {
    const secret = readFileSync(join(cwd, '.workos-inbox', 'dev-secret'), 'utf8').trim();
    const body = JSON.stringify({
      id: 'event_too_big',
      event: 'dsync.user.created',
      created_at: '2024-01-01T00:00:00.000Z',
      data: { padding: 'x'.repeat(5 * 1024 * 1024) },
    });
    const outcomes: Array<number | string> = [];
    for (let i = 0; i < 20; i++) {
      outcomes.push(
        await fetch(`${serve.base}/webhooks/workos`, {
          method: 'POST',
          headers: signedHeaders(body, Date.now(), secret),
          body,
        }).then(
          async (answer) => {
            const json = (await answer.json()) as { code?: string };
            return `${answer.status} ${json.code}`;
          },
          (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
        ),
      );
    }
    expect(outcomes).toEqual(Array.from({ length: 20 }, () => '413 body_too_large'));
    const token = readFileSync(join(cwd, '.workos-inbox', 'dev-admin-token'), 'utf8').trim();
    const list = await fetch(`${serve.base}/inbox/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
