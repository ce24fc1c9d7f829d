import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { closeServer, eventBody, listen, secret, send, signedHeaders } from './helpers/events.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { patienceMs } from '../helpers/patience.js';

describe('PostgreSQL unreachable (a TCP proxy we cut)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('answers 503 + Retry-After while cut, loses nothing answered 200, and resumes', async () => {
    const db = await createTestDatabase('wi_unavail');
    cleanups.push(db.drop);
    const proxy = new TcpProxy(Number(new URL(db.url).port));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const inbox = await createInbox({ database: viaProxy.toString(), secret, mirror: false });
    cleanups.push(() => inbox.close());
    const server = createServer(inbox.node());
    const url = await listen(server);
    cleanups.push(() => closeServer(server));

    const acked = new Set<string>();
    const statuses = { before: [] as number[], during: [] as number[], after: [] as number[] };
    let n = 0;
    async function burst(into: number[], count: number): Promise<void> {
      await Promise.all(
        Array.from({ length: count }, async () => {
          const id = `evt_unavail_${n++}`;
          const body = eventBody(id);
          const res = await send(url, { body, headers: signedHeaders(body) });
          into.push(res.status);
          if (res.status === 200) acked.add(id);
          if (res.status === 503) expect(res.headers['retry-after']).toBe('5');
        }),
      );
    }

    await burst(statuses.before, 30);
    expect(statuses.before.every((s) => s === 200)).toBe(true);

    const stopped = proxy.stop(); // cuts open connections at once, refuses new ones
    // Cut while requests are in flight too: each answer is 200 (committed) or 503, never a lie.
    const inflight = burst(statuses.during, 20);
    await burst(statuses.during, 20);
    await inflight;
    await stopped;
    expect(statuses.during.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.during.every((s) => s === 200 || s === 503)).toBe(true);

    await proxy.start(); // the same port again
    const deadline = Date.now() + patienceMs;
    while (Date.now() < deadline) {
      const probe: number[] = [];
      await burst(probe, 1);
      if (probe[0] === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await burst(statuses.after, 30);
    expect(statuses.after.every((s) => s === 200)).toBe(true);

    // Check through a direct connection, not the proxy.
    const direct = await openStore({ database: db.url });
    try {
      for (const id of acked) expect((await direct.get(id))?.id, id).toBe(id);
    } finally {
      await direct.close();
    }
  });
});
