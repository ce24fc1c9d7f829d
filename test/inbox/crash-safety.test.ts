import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { backendKinds, createBackend } from './helpers/backends.js';
import { killChild, startInboxChild, type InboxChild } from './helpers/child.js';
import { effectCounts, effectsMigrations } from './helpers/effects.js';
import { eventBody, send, signedHeaders } from './helpers/events.js';
import { waitWhileProgressing } from '../helpers/wait-while-progressing.js';

const kills = 5;
const connections = 16;

/** Send unique events on `connections` parallel loops until the server stops answering. */
async function loadUntilDead(
  url: string,
  prefix: string,
  acked: Set<string>,
  sent: Set<string>,
): Promise<void> {
  let n = 0;
  let dead = false;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (!dead) {
        const id = `${prefix}_${n++}`;
        const body = eventBody(id);
        sent.add(id);
        try {
          const res = await send(url, { body, headers: signedHeaders(body) });
          if (res.status === 200) acked.add(id);
        } catch {
          dead = true;
        }
      }
    }),
  );
}

describe.each(backendKinds)('crash safety on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it(
    `keeps every acknowledged event and applies it exactly once across ${kills} SIGKILLs`,
    { timeout: 900_000 },
    async () => {
      const backend = await createBackend(kind);
      cleanups.push(backend.cleanup);
      const env = { INBOX_DATABASE: backend.database, INBOX_LEASE_MS: '1500' };
      const acked = new Set<string>();
      const sent = new Set<string>();

      for (let round = 0; round < kills; round++) {
        const child: InboxChild = await startInboxChild(env);
        const url = `http://127.0.0.1:${String(child.hello.port)}/`;
        const before = acked.size;
        const load = loadUntilDead(url, `crash_${round}`, acked, sent);
        // Kill at a random moment once the load is flowing (on a busy machine the first answers
        // can take a while), while requests and handlers are in flight.
        while (acked.size < before + 20) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
        await killChild(child);
        await load;
      }
      expect(acked.size).toBeGreaterThan(kills * 10);

      // Restart: acknowledged events are still there, redelivery is a duplicate, the worker drains.
      const child = await startInboxChild(env);
      const url = `http://127.0.0.1:${String(child.hello.port)}/`;
      const some = [...acked].slice(0, 20);
      for (const id of some) {
        const body = eventBody(id);
        const res = await send(url, { body, headers: signedHeaders(body) });
        expect(JSON.parse(res.body)).toEqual({ status: 'duplicate' });
      }
      const store = await openStore({
        database: backend.database,
        migrationSets: [effectsMigrations],
      });
      try {
        await waitWhileProgressing(() => store.stats(new Date()), {
          done: ({ byStatus: s }) => s.pending + s.retrying + s.processing === 0,
          progress: (stats) => stats.byStatus.done,
          what: 'the worker draining after the last restart',
        });
        await killChild(child, 'SIGTERM');

        for (const id of acked) {
          const row = await store.get(id);
          expect(row?.status, id).toBe('done');
        }
        const effects = await effectCounts((fn) => store.read(fn));
        const stats = await store.stats(new Date());
        expect(stats.byStatus.done).toBe(effects.size);
        for (const [id, applied] of effects) {
          expect(applied, id).toBe(1);
          expect(sent.has(id)).toBe(true);
        }
        for (const id of acked) expect(effects.get(id), id).toBe(1);
      } finally {
        await store.close();
      }
    },
  );
});
