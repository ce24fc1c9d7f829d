// A worker whose claims fail (the database down) logs the first failure with its cause, then one
// line a minute counting them, then one when claims work again: it logged a stack every poll.
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { until } from '../helpers/until.js';
import { manualClock } from '../inbox/helpers/events.js';
import { capturedLogs } from '../helpers/captured-logs.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('claims failing while the database is down', () => {
  it('are logged once, then once a minute with a count, then once when they work again', async () => {
    const temp = createTempSqlitePath();
    const store = await openMigratedStore({ database: temp.path });
    cleanups.push(temp.cleanup, () => store.close());
    let down = true;
    let attempts = 0;
    const proxy: Store = Object.create(store) as Store;
    proxy.claim = (options) => {
      attempts++;
      return down ? Promise.reject(new Error('connect ECONNREFUSED')) : store.claim(options);
    };
    const clock = manualClock();
    const { lines, logger } = capturedLogs<{ level: number; msg: string; failures?: number }>();
    const worker = createWorker({
      store: proxy,
      handlers: { handlersFor: () => [] },
      clock,
      pollIntervalMs: 5,
      logger,
    });
    worker.start();
    cleanups.push(() => worker.stop({ timeoutMs: 1_000 }));
    const failureLines = () => lines.filter((l) => l.level === 50);

    await until(() => attempts >= 5, 'the claim loop');
    expect(failureLines().map((l) => l.msg)).toEqual([
      'claim failed; retrying after the poll interval',
    ]);
    const before = attempts;
    clock.advance(60_000);
    await until(() => failureLines().length === 2, 'the claim loop');
    expect(failureLines()[1]).toMatchObject({
      msg: 'claims still failing; retrying after the poll interval',
    });
    expect(failureLines()[1]!.failures).toBeGreaterThan(before - 1);
    down = false;
    await until(() => lines.some((l) => l.msg === 'claims work again'), 'the claim loop');
    expect(failureLines()).toHaveLength(2);
  });
});
