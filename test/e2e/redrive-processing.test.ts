// `POST /inbox/redrive` with `status=processing` answered 200 `{"redriven": 0}` (the store never
// redrives events a worker holds), which an operator reads as "nothing is stuck", while
// `events redrive --status processing` exited 2 without saying what to do. Both now refuse it,
// naming the status, saying where such events go (back after the lease) and what can be redriven.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { ensureBuilt, killAll, runCli, startServe } from './cli-harness.js';
import type { ServeProcess } from './cli-harness.js';

const token = 'redrive-processing-admin-token';
const why =
  'processing cannot be redriven: a worker holds those events, and gives them back if it stops; ' +
  'those of a worker that died are retried once its lease (--lease-ms) expires. Redrive ' +
  'pending, retrying, done or dead ones';

describe.each([['sqlite'], ['postgres']] as const)('redrive status=processing (%s)', (backend) => {
  let cwd: string;
  let database: string;
  let dropDatabase: (() => Promise<void>) | undefined;
  let serve: ServeProcess;

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-redrive-processing-'));
    if (backend === 'postgres') {
      const db = await createTestDatabase('wi_redrive_processing');
      database = db.url;
      dropDatabase = db.drop;
    } else {
      database = join(cwd, 'inbox.db');
    }
    serve = await startServe(
      ['--database', database, '--secret', 'whsec_redrive', '--admin-token', token],
      { cwd },
    );
  });
  afterAll(async () => {
    await serve?.stop();
    killAll();
    await dropDatabase?.();
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each([
    ['the query', '?status=processing', undefined],
    ['a JSON body, among other statuses', '', { status: 'dead,processing' }],
  ])('the admin API answers 400 naming status (%s)', async (_how, query, body) => {
    const res = await fetch(`${serve.base}/inbox/redrive${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'bad_request',
      code: 'invalid_request',
      message: `"status" ${why}`,
      field: 'status',
    });
  });

  it('events redrive --status processing exits 2 saying what to do', async () => {
    const result = await runCli(
      ['events', 'redrive', '--status', 'processing', '--database', database],
      { cwd },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`workos-inbox: --status: ${why}`);
  });
});
