import { describe, expect, it } from 'vitest';
import { toEventDetailJson, toEventSummaryJson } from '../../src/server/event-json.js';
import { at, newEvent, useBackends } from './backends.js';

const backends = useBackends();

// What `events list` / `events show` and the admin API show after an event died and was replayed.
describe.each(backends)('an event replayed after it died, on $name', (backend) => {
  it('loses its last error once an attempt succeeds, and its attempts are numbered 1, 2, 3, 4', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const event = newEvent({ receivedAt: at(0) });
    await store.append(event);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const now = at(attempt * 1000);
      const [claimed] = await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now });
      expect(claimed?.id).toBe(event.id);
      await store.fail(event.id, 'w', {
        error: `boom ${attempt}`,
        nextAttemptAt: attempt < 3 ? at(attempt * 1000 + 1) : null,
        now,
      });
    }
    expect(await store.get(event.id)).toMatchObject({ status: 'dead', lastError: 'boom 3' });

    expect(await store.replay(event.id, at(10_000))).toBe(true);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: at(10_000) });
    expect(await store.complete(event.id, 'w', async () => {}, at(10_001))).toBe(true);

    const done = (await store.get(event.id))!;
    expect(toEventSummaryJson(done)).toMatchObject({ status: 'done', lastError: null });
    const detail = toEventDetailJson(done, await store.attempts(event.id));
    expect(detail.attemptLog.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retrying', 'boom 1'],
      [2, 'retrying', 'boom 2'],
      [3, 'dead', 'boom 3'],
      [4, 'done', null],
    ]);
    await store.close();
  });
});
