import { afterEach, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { eventBody, secret, signedHeaders } from '../inbox/helpers/events.js';
import { patienceMs } from '../helpers/patience.js';

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a handler that uses the CPU
  }
};
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function until(check: () => boolean, timeoutMs = patienceMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// `serve` runs the receiver and the worker in one process; while requests are in flight the
// worker keeps its share of the time at `shareUnderLoad` so acknowledging WorkOS comes first.
describe('the worker yields to requests being received (createInbox on SQLite)', () => {
  let inbox: Inbox | undefined;
  let workerInbox: Inbox | undefined;
  let store: Store | undefined;
  let cleanup: (() => void) | undefined;
  let openGate: () => void = () => {};

  afterEach(async () => {
    openGate(); // a failed assertion must not leave the request in flight forever
    await inbox?.close();
    await workerInbox?.close();
    await store?.close();
    cleanup?.();
  });

  /**
   * An inbox whose one request stays in flight until `openGate()`, its worker's handler busy 10 ms.
   * `split`: as `serve` on PostgreSQL, the worker belongs to a second inbox that learns of the
   * first one's requests through a counter in shared memory (its own receiver stays idle).
   */
  async function startUnderLoad(
    worker: { concurrency: number; shareUnderLoad?: number; minRateUnderLoad?: number },
    split = false,
  ) {
    const tmp = createTempSqlitePath();
    cleanup = tmp.cleanup;
    const real = await openStore({ database: tmp.path });
    store = real;
    await real.migrate();
    // A store whose appends wait at a gate: the request stays in flight as long as we like.
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gated: Store = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'append') {
          return async (...args: Parameters<Store['append']>) => {
            await gate;
            return target.append(...args);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    for (let i = 0; i < 12; i++) {
      const body = eventBody(`evt_yield_${i}`);
      await real.append({
        id: `evt_yield_${i}`,
        event: 'dsync.user.created',
        createdAt: '2026-11-27T10:00:00.000Z',
        receivedAt: new Date(Date.now() + i),
        rawBody: Buffer.from(body),
        source: 'webhook',
      });
    }
    const inFlightCounter = new Int32Array(new SharedArrayBuffer(4));
    inbox = await createInbox({
      store: gated,
      secret,
      mirror: false,
      worker,
      ...(split ? { inFlightCounter } : {}),
    });
    if (split) {
      workerInbox = await createInbox({
        store: real,
        secret,
        mirror: false,
        worker,
        underLoad: () => Atomics.load(inFlightCounter, 0) > 0,
      });
    }
    const processing = split ? workerInbox! : inbox;
    const started: number[] = [];
    processing.on('dsync.user.created', () => {
      started.push(performance.now());
      busyWait(10);
    });
    const body = eventBody('evt_yield_request');
    const answer = inbox.receiver.handle({
      method: 'POST',
      headers: signedHeaders(body),
      body: Buffer.from(body),
    });
    expect(inbox.receiver.inFlight).toBe(1);
    if (split) expect(Atomics.load(inFlightCounter, 0)).toBe(1);
    await processing.start();
    return { inbox, started, answer, inFlightCounter };
  }

  it('rests between batches while a request is in flight, and runs flat out once none is', async () => {
    const {
      inbox: running,
      started,
      answer,
    } = await startUnderLoad({
      concurrency: 1,
      shareUnderLoad: 0.2,
      minRateUnderLoad: 0,
    });
    await until(() => started.length >= 5);
    // Active >= 10 ms per event, share 0.2: a rest of >= 40 ms before each next claim.
    const underLoad = gaps(started.slice(0, 5));
    for (const gap of underLoad) expect(gap).toBeGreaterThanOrEqual(48);

    openGate();
    expect((await answer).status).toBe(200);
    expect(running.receiver.inFlight).toBe(0);
    const mark = started.length;
    await until(() => started.length >= 13);
    const unloaded = gaps(started.slice(mark));
    // No request in flight: no rests, events follow each other (10 ms of handler + bookkeeping),
    // while under load each gap holds a rest of 4x the active time. Compared with each other, not
    // with a fixed number of ms: a loaded machine slows both alike.
    expect(median(unloaded) * 2).toBeLessThan(median(underLoad));
    expect((await running.store.get('evt_yield_request'))?.status).toBe('done');
  });

  it('by default, on SQLite, keeps its share at 0.05 while it processes more than 1,000 events/s: a rest of 19x the active time', async () => {
    // The floor set to what this worker does at most (10 ms per event: 100/s), so the share
    // alone decides, as it does for the mirror's fast events by default.
    const { started } = await startUnderLoad({ concurrency: 1, minRateUnderLoad: 1 });
    await until(() => started.length >= 5);
    // Active >= 10 ms per event, share 0.05: a rest of >= 190 ms before each next claim, so a
    // gap of >= 200 ms, less ~2 ms for a timer's rounding. A slow machine only lengthens the gaps.
    // (The first rest under load opens the floor's one-second window and is as at a share of
    // one half.)
    for (const gap of gaps(started.slice(1, 5))) expect(gap).toBeGreaterThanOrEqual(195);
  });

  it('a worker that cannot reach its floor of 1,000 events/s rests as long as it was active, no less and no longer', async () => {
    // A share so small that, alone, it would rest the longest rest (250 ms) after every event.
    const { started, answer } = await startUnderLoad({ concurrency: 1, shareUnderLoad: 0.001 });
    await until(() => started.length >= 5);
    // 10 ms per event is 100 events/s, below the default floor: the floor cuts each rest to the
    // rest of a share of one half (as long as the worker was active, >= 10 ms), no further, so
    // receiving keeps half the time.
    const underLoad = gaps(started.slice(0, 5));
    for (const gap of underLoad) expect(gap).toBeGreaterThanOrEqual(18);
    // And shorter than the share's own rest (250 ms) plus the work: the floor is in effect.
    expect(median(underLoad)).toBeLessThan(250);
    openGate();
    expect((await answer).status).toBe(200);
  });

  it("yields to another inbox's requests through a shared in-flight counter (serve's worker thread)", async () => {
    const { started, answer, inFlightCounter } = await startUnderLoad(
      { concurrency: 1, shareUnderLoad: 0.2, minRateUnderLoad: 0 },
      true,
    );
    await until(() => started.length >= 5);
    const underLoad = gaps(started.slice(0, 5));
    for (const gap of underLoad) expect(gap).toBeGreaterThanOrEqual(48);
    openGate();
    expect((await answer).status).toBe(200);
    expect(Atomics.load(inFlightCounter, 0)).toBe(0);
    const mark = started.length;
    await until(() => started.length >= 13);
    expect(median(gaps(started.slice(mark))) * 2).toBeLessThan(median(underLoad));
  });
});
