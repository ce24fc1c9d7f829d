import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { openStore } from '../../src/store/open-store.js';
import { backendKinds, createBackend } from './helpers/backends.js';
import type { BackendKind } from './helpers/backends.js';
import { closeServer, eventBody, listen, secret, send, signedHeaders } from './helpers/events.js';
import type { HttpAnswer } from './helpers/events.js';

/** Stop every commit to the inbox table until `release()`: another connection holds the lock. */
async function stallDatabase(kind: BackendKind, database: string): Promise<() => Promise<void>> {
  if (kind === 'sqlite') {
    const db = new Database(database);
    db.exec('BEGIN IMMEDIATE');
    return async () => {
      db.exec('ROLLBACK');
      db.close();
    };
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE workos_inbox_events IN EXCLUSIVE MODE');
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

describe.each(backendKinds)('bounded append queue on %s', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it('answers 503 + Retry-After past the bound while the database stalls, loses nothing it acknowledged, and recovers', async () => {
    const backend = await createBackend(kind, 'wi_append_bound');
    cleanups.push(backend.cleanup);
    const bound = 10;
    const inbox = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      maxPendingAppends: bound,
    });
    cleanups.push(() => inbox.close());
    const server = createServer(inbox.node());
    const url = await listen(server);
    cleanups.push(() => closeServer(server));
    const post = (id: string): Promise<HttpAnswer> => {
      const body = eventBody(id);
      return send(url, { body, headers: signedHeaders(body) });
    };
    // Warm up: the append path is open before the stall.
    expect((await post('evt_bound_warm')).status).toBe(200);

    const release = await stallDatabase(kind, backend.database);
    let released = false;
    cleanups.push(async () => {
      if (!released) await release();
    });
    const total = 40;
    const ids = Array.from({ length: total }, (_, i) => `evt_bound_${i}`);
    const refused: string[] = [];
    let settleRefused!: () => void;
    const allRefused = new Promise<void>((resolve) => (settleRefused = resolve));
    const answers = ids.map(async (id) => {
      const answer = await post(id);
      if (answer.status === 503) {
        expect(answer.headers['retry-after']).toBe('5');
        refused.push(id);
        if (refused.length === total - bound) settleRefused();
      }
      return [id, answer.status] as const;
    });
    // Nothing can commit, so exactly `bound` appends wait and every other request is refused
    // at once, without waiting for the database.
    await allRefused;
    const stats = inbox.store.appendStats!();
    expect(stats.pending).toBe(bound);
    expect(stats.pendingBytes).toBeGreaterThan(0);

    await release();
    released = true;
    const settled = await Promise.all(answers);
    const acked = settled.filter(([, status]) => status === 200).map(([id]) => id);
    expect(acked).toHaveLength(bound);
    expect(settled.every(([, status]) => status === 200 || status === 503)).toBe(true);
    expect(inbox.store.appendStats!().pending).toBe(0);

    // Recovery: the refused events, sent again, are stored now.
    for (const id of refused) expect((await post(id)).status).toBe(200);
    const direct = await openStore({ database: backend.database });
    try {
      for (const id of ids) expect((await direct.get(id))?.id, id).toBe(id);
    } finally {
      await direct.close();
    }
  });
});
