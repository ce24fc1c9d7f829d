import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogs } from '../helpers/captured-logs.js';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { backoffDelayMs } from '../../src/worker/backoff.js';
import { slowSqliteHandlerMs } from '../../src/worker/create-worker.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { effectCounts, effectsMigrations, recordEffect } from '../inbox/helpers/effects.js';
import { eventBody, manualClock, receive, secret, signedHeaders } from '../inbox/helpers/events.js';

describe('backoffDelayMs (full jitter)', () => {
  const settings = { baseMs: 1000, capMs: 3_600_000 };
  it('spans [0, base * 2^(n-1)) and stops growing at the cap', () => {
    expect(backoffDelayMs(1, settings, () => 0)).toBe(0);
    expect(backoffDelayMs(1, settings, () => 0.999)).toBe(999);
    expect(backoffDelayMs(4, settings, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(30, settings, () => 0.5)).toBe(1_800_000);
    expect(backoffDelayMs(10_000, settings, () => 0.999_999)).toBeLessThan(3_600_000);
  });
});

describe.each(backendKinds)('retries, backoff, dead letters and redrive on %s', (kind) => {
  const clock = manualClock();
  let inbox: Inbox;
  let cleanup: () => Promise<void>;
  const calls = new Map<string, number>();
  /** Fail the first `n` attempts of an event id (after writing through ctx.tx, to prove rollback). */
  const failures = new Map<string, number>();

  async function deliver(id: string, name = 'dsync.user.created'): Promise<void> {
    const body = eventBody(id, name);
    const res = await inbox.receiver.handle({
      method: 'POST',
      headers: signedHeaders(body, clock.now()),
      body: Buffer.from(body),
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    const backend = await createBackend(kind);
    cleanup = backend.cleanup;
    inbox = await createInbox({
      database: backend.database,
      secret,
      clock,
      random: () => 0.5,
      mirror: false,
      migrationSets: [effectsMigrations],
      worker: { maxAttempts: 3, backoffBaseMs: 1000, backoffCapMs: 60_000, concurrency: 4 },
    });
    inbox.on('dsync.user.created', async (event, ctx) => {
      calls.set(ctx.eventId, (calls.get(ctx.eventId) ?? 0) + 1);
      expect(event.id).toBe(ctx.eventId);
      expect(ctx.attempt).toBeGreaterThanOrEqual(1);
      await recordEffect(ctx);
      const left = failures.get(ctx.eventId) ?? 0;
      if (left > 0) {
        failures.set(ctx.eventId, left - 1);
        throw new Error(`boom on attempt ${ctx.attempt}`);
      }
    });
  });

  afterAll(async () => {
    await inbox.close();
    await cleanup();
  });

  it('retries at base * 2^(n-1) * random, then marks the event dead after maxAttempts', async () => {
    const id = `evt_dead_${kind}`;
    failures.set(id, 100);
    await deliver(id);
    expect(await inbox.worker.drain()).toBe(1);
    let row = await inbox.store.get(id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(row?.lastError).toContain('boom on attempt 1');
    expect(row?.nextAttemptAt?.getTime()).toBe(clock.now() + 500);

    clock.advance(499);
    expect(await inbox.worker.drain()).toBe(0);
    clock.advance(1);
    expect(await inbox.worker.drain()).toBe(1);
    row = await inbox.store.get(id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 2 });
    expect(row?.nextAttemptAt?.getTime()).toBe(clock.now() + 1000);

    clock.advance(1000);
    expect(await inbox.worker.drain()).toBe(1);
    row = await inbox.store.get(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, nextAttemptAt: null });
    clock.advance(24 * 3600_000);
    expect(await inbox.worker.drain()).toBe(0);
    // Every failed attempt rolled back its write through ctx.tx.
    expect((await effectCounts((fn) => inbox.store.read(fn))).get(id)).toBeUndefined();
    const attempts = await inbox.store.attempts(id);
    expect(attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'dead']);
  });

  it('redrive queues dead events again and they complete exactly once', async () => {
    const id = `evt_dead_${kind}`;
    failures.set(id, 0);
    expect(await inbox.redrive()).toBe(1);
    expect(await inbox.worker.drain()).toBe(1);
    expect(await inbox.store.get(id)).toMatchObject({ status: 'done' });
    expect((await effectCounts((fn) => inbox.store.read(fn))).get(id)).toBe(1);
    expect(calls.get(id)).toBe(4);
  });

  it('a retried success applies its transactional write once; replay applies it again on purpose', async () => {
    const id = `evt_flaky_${kind}`;
    failures.set(id, 1);
    await deliver(id);
    expect(await inbox.worker.drain()).toBe(1);
    clock.advance(500);
    expect(await inbox.worker.drain()).toBe(1);
    const row = await inbox.store.get(id);
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
    expect(row?.processedAt).not.toBeNull();
    expect((await effectCounts((fn) => inbox.store.read(fn))).get(id)).toBe(1);

    expect(await inbox.replay(id)).toBe(true);
    expect(await inbox.worker.drain()).toBe(1);
    expect((await effectCounts((fn) => inbox.store.read(fn))).get(id)).toBe(2);
    expect(await inbox.replay('evt_unknown')).toBe(false);
  });

  it('marks events without a handler done', async () => {
    const id = `evt_nohandler_${kind}`;
    await deliver(id, 'connection.activated');
    expect(await inbox.worker.drain()).toBe(1);
    expect(await inbox.store.get(id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(calls.has(id)).toBe(false);
  });
});

describe.each(backendKinds)('retry timers of a running worker on %s', (kind) => {
  /** A worker whose poll alone would take an hour: only its retry timers can find the retries. */
  async function runningInbox(
    clock: { now(): number },
    random: () => number,
    backoffBaseMs: number,
  ): Promise<{ inbox: Inbox; cleanup: () => Promise<void> }> {
    const backend = await createBackend(kind);
    const inbox = await createInbox({
      database: backend.database,
      secret,
      clock,
      random,
      mirror: false,
      logger: pino({ level: 'silent' }),
      worker: { backoffBaseMs, backoffCapMs: backoffBaseMs, pollIntervalMs: 3_600_000 },
    });
    return {
      inbox,
      cleanup: async () => {
        await inbox.close();
        await backend.cleanup();
      },
    };
  }

  /** Each event's attempts; `done` once `events` events have succeeded on attempt `succeedOn`. */
  function failUntil(
    inbox: Inbox,
    succeedOn: number,
    events: number,
  ): { attempts: Map<string, number[]>; done: Promise<void> } {
    const attempts = new Map<string, number[]>();
    let succeeded: () => void = () => {};
    const done = new Promise<void>((r) => (succeeded = r));
    inbox.on('dsync.user.created', (_event, ctx) => {
      attempts.set(ctx.eventId, [...(attempts.get(ctx.eventId) ?? []), ctx.attempt]);
      if (ctx.attempt < succeedOn) throw new Error(`boom ${ctx.attempt}`);
      if ([...attempts.values()].filter((a) => a.length === succeedOn).length === events) {
        succeeded();
      }
    });
    return { attempts, done };
  }

  it('claims a retry when it comes due, not at the next poll after it', async () => {
    // The retry (due 10 ms after the failure) must not wait for the poll. No wake-up from an
    // append arrives meanwhile.
    const { inbox, cleanup } = await runningInbox({ now: () => Date.now() }, () => 0.5, 20);
    try {
      const { attempts, done } = failUntil(inbox, 3, 1);
      expect(await receive(inbox.receiver, `evt_due_${kind}`)).toBe(200);
      await inbox.start();
      await done;
      expect(attempts.get(`evt_due_${kind}`)).toEqual([1, 2, 3]);
    } finally {
      await cleanup();
    }
  });

  it('claims a retry whose timer fired before the clock said it was due', async () => {
    // The clock runs at half the speed of timers (as when Node fires a timer early after a long
    // turn of the event loop): the first timer finds the retry not yet due and waits for the rest.
    const startedAt = Date.now();
    const clock = { now: () => startedAt + Math.floor((Date.now() - startedAt) / 2) };
    const { inbox, cleanup } = await runningInbox(clock, () => 0.5, 40);
    try {
      const { attempts, done } = failUntil(inbox, 2, 1);
      expect(await receive(inbox.receiver, `evt_slow_clock_${kind}`)).toBe(200);
      await inbox.start();
      await done;
      expect(attempts.get(`evt_slow_clock_${kind}`)).toEqual([1, 2]);
    } finally {
      await cleanup();
    }
  });

  it('claims each retry it recorded when it comes due, not only the earliest', async () => {
    // The first failure recorded waits 5 ms, the second 195 ms: the second must not wait for the poll.
    let draws = 0;
    const random = () => (draws++ % 2 === 0 ? 0.025 : 0.975);
    const { inbox, cleanup } = await runningInbox({ now: () => Date.now() }, random, 200);
    try {
      const { attempts, done } = failUntil(inbox, 2, 2);
      expect(await receive(inbox.receiver, `evt_early_${kind}`)).toBe(200);
      expect(await receive(inbox.receiver, `evt_late_${kind}`)).toBe(200);
      await inbox.start();
      await done;
      expect(Object.fromEntries(attempts)).toEqual({
        [`evt_early_${kind}`]: [1, 2],
        [`evt_late_${kind}`]: [1, 2],
      });
      expect(draws).toBe(2);
    } finally {
      await cleanup();
    }
  });
});

describe('a slow handler on SQLite', () => {
  it('is logged once it has held the write lock for 5 s (receiving waits for it)', async () => {
    const backend = await createBackend('sqlite');
    let warned: () => void = () => {};
    const warning = new Promise<void>((r) => (warned = r));
    const { lines, logger } = capturedLogs<{ msg: string; eventId?: string; heldMs?: number }>(
      'warn',
      (line) => {
        if (line.msg.includes("held SQLite's write lock")) warned();
      },
    );
    const inbox = await createInbox({ database: backend.database, secret, mirror: false, logger });
    try {
      // The handler ends once the warning is out: its length is the warning's, whatever the load.
      inbox.on('dsync.user.created', () => warning);
      expect(await receive(inbox.receiver, 'evt_slow')).toBe(200);
      await inbox.start();
      await warning;
      expect(lines.find((l) => l.msg.includes("held SQLite's write lock"))).toMatchObject({
        eventId: 'evt_slow',
        heldMs: slowSqliteHandlerMs,
      });
    } finally {
      await inbox.close();
      await backend.cleanup();
    }
  });
});

describe.each(backendKinds)('the time a slow handler finished, on %s', (kind) => {
  it("is the event's processedAt and its attempt's end, not when it began", async () => {
    const backend = await createBackend(kind);
    const clock = manualClock();
    const inbox = await createInbox({
      database: backend.database,
      secret,
      clock,
      mirror: false,
      logger: pino({ level: 'silent' }),
    });
    try {
      // The handler "takes" 8 s of the test's clock (on SQLite a batch, on PostgreSQL one
      // transaction per event: both paths).
      inbox.on('dsync.user.created', () => clock.advance(8000));
      const body = eventBody('evt_took_8s');
      const res = await inbox.receiver.handle({
        method: 'POST',
        headers: signedHeaders(body, clock.now()),
        body: Buffer.from(body),
      });
      expect(res.status).toBe(200);
      const began = clock.now();
      expect(await inbox.worker.drain()).toBe(1);
      const row = await inbox.store.get('evt_took_8s');
      expect(row?.processedAt?.getTime()).toBe(began + 8000);
      const [attempt] = await inbox.store.attempts('evt_took_8s');
      expect(attempt).toMatchObject({ outcome: 'done' });
      expect(attempt!.startedAt.getTime()).toBe(began);
      expect(attempt!.finishedAt!.getTime()).toBe(began + 8000);
    } finally {
      await inbox.close();
      await backend.cleanup();
    }
  });
});
