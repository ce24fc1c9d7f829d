import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { manualClock } from '../inbox/helpers/events.js';
import { startServeRoutes } from '../helpers/serve-routes.js';

const token = 'admin-prune-test-token-0123456789';
const day = 86_400_000;

describe.each(['sqlite', 'postgres'] as const)('POST /inbox/prune (%s)', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('prunes old done events behind the admin token, 400 naming the field on bad input, and the event shows it was pruned', async () => {
    const backend = await createBackend(kind, 'wi_admin_prune');
    cleanups.push(backend.cleanup);
    const store = await openStore({ database: backend.database });
    cleanups.push(() => store.close());
    await store.migrate();
    const clock = manualClock();
    const now = new Date(clock.now());
    const body = Buffer.from('{"id":"event_old","event":"dsync.user.created","data":{}}');
    await store.append({
      id: 'event_old',
      event: 'dsync.user.created',
      createdAt: now.toISOString(),
      rawBody: body,
      source: 'webhook',
      receivedAt: new Date(clock.now() - 3 * day),
    });
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now });
    await store.complete('event_old', 'w', async () => {}, now);

    const http = await startServeRoutes(
      {
        store,
        clock,
        adminToken: token,
      },
      { maxHeaderBytes: 4096, requestTimeoutMs: 5000 },
    );
    cleanups.push(() => http.close(1000));
    const prune = (payload: string, headers: Record<string, string> = {}) =>
      fetch(`${http.url}/inbox/prune`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: payload,
      });

    expect(
      (await fetch(`${http.url}/inbox/prune`, { method: 'POST', body: '{"olderThan":"1d"}' }))
        .status,
    ).toBe(401);
    expect(
      (await fetch(`${http.url}/inbox/prune`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(405);
    const bad: [string, RegExp][] = [
      ['{}', /olderThan is required/],
      ['{"olderThan":"soon"}', /olderThan must be a duration .*, got "soon"/],
      ['{"olderThan":"1d","includeDead":"yes"}', /includeDead/],
      ['{"olderThan":"1d","batchSize":0}', /batchSize/],
      ['{"olderThan":"1d","budgetMs":1.5}', /budgetMs/],
      ['{"olderThan":"1d","olderthan":"2d"}', /unknown field "olderthan"/],
      ['[1]', /JSON object/],
      ['{"olderThan":', /JSON/],
    ];
    for (const [payload, message] of bad) {
      const answer = await prune(payload);
      expect(answer.status, payload).toBe(400);
      const json = (await answer.json()) as { code: string; message: string };
      expect(json.code).toBe('invalid_request');
      expect(json.message, payload).toMatch(message);
    }
    expect((await store.get('event_old'))!.prunedAt).toBeNull();

    // Received 3 days ago: a 4-day window keeps it, a 2-day one prunes it.
    expect(await (await prune('{"olderThan":"4d"}')).json()).toMatchObject({ pruned: 0 });
    const done = await prune('{"olderThan":"2d","batchSize":10,"budgetMs":5}');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ pruned: 1, transactions: 1 });

    const detail = (await (
      await fetch(`${http.url}/inbox/events/event_old`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as Record<string, unknown>;
    expect(detail).toMatchObject({
      id: 'event_old',
      status: 'done',
      prunedAt: now.toISOString(),
      payload: null,
      attemptLog: [],
    });
    const replay = await fetch(`${http.url}/inbox/events/event_old/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ code: 'event_pruned' });
  });
});
