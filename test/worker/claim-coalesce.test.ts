// Once the worker has caught up (a claim found fewer events than it asked for), a wake-up does not
// claim at once: the next claim waits until `claimCoalesceMs` after the last one began, so events
// appended meanwhile are claimed, applied and completed together instead of in one transaction
// each (at 750 webhooks/s this cut `serve`'s CPU by about a fifth; docs/benchmarks.md). A sparse
// event, whose last claim is older than that, is claimed at once; the wait is cut short by stop()
// and never lasts longer than `claimCoalesceMs`, even if the clock is set back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { coalesceWaitMs } from '../../src/worker/claim-coalesce.js';
import { patienceMs } from '../helpers/patience.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { eventBody, manualClock, secret, signedHeaders } from '../inbox/helpers/events.js';

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + patienceMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(backendKinds)('claim coalescing on %s', (kind) => {
  let inbox: Inbox | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await inbox?.close();
    inbox = undefined;
    await cleanup?.();
    cleanup = undefined;
  });

  async function start(claimCoalesceMs: number) {
    const clock = manualClock();
    const backend = await createBackend(kind);
    cleanup = backend.cleanup;
    const handled: string[] = [];
    const started = await createInbox({
      database: backend.database,
      secret,
      clock,
      mirror: false,
      worker: { claimCoalesceMs },
    });
    inbox = started;
    started.on('dsync.user.created', (_event, ctx) => {
      handled.push(ctx.eventId);
    });
    const claim = vi.spyOn(started.store, 'claim');
    await started.start();
    // The first claim (nothing due yet) has returned: the loop now waits for a wake-up. (Called
    // is not enough: an event appended before its transaction ran would be claimed by it. Nor is
    // an entry in settledResults: a call still running has one, `incomplete`.)
    await until(() => claim.mock.settledResults.some((r) => r.type === 'fulfilled'));
    const deliver = async (id: string) => {
      const body = eventBody(id);
      const res = await started.receiver.handle({
        method: 'POST',
        headers: signedHeaders(body, clock.now()),
        body: Buffer.from(body),
      });
      expect(res.status).toBe(200);
    };
    return { inbox: started, clock, handled, claim, deliver };
  }

  it('lets the wake-ups after a short claim wait for the window, losing nothing', async () => {
    const { inbox: started, handled, claim, deliver } = await start(600_000);
    // Caught up (the first claim found nothing): with the clock standing still, the window (ten
    // minutes) does not pass, so these two are not claimed on their wake-ups.
    await deliver(`evt_wait_1_${kind}`);
    await deliver(`evt_wait_2_${kind}`);
    await new Promise((r) => setTimeout(r, 100));
    expect(handled).toEqual([]);
    const claims = claim.mock.calls.length;
    expect((await started.store.get(`evt_wait_1_${kind}`))?.status).toBe('pending');

    // Nothing is lost meanwhile: one claim takes both, and close() does not wait for the window.
    expect(await started.worker.drain()).toBe(2);
    expect(claim.mock.calls.length - claims).toBe(2); // the claim, and the one that found nothing
    expect(handled.sort()).toEqual([`evt_wait_1_${kind}`, `evt_wait_2_${kind}`]);
    await started.close();
    inbox = undefined;
  });

  it('waits no longer than the window when the clock is set back', async () => {
    const { clock, handled, deliver } = await start(50);
    await deliver(`evt_first_${kind}`);
    await until(() => handled.length === 1);
    // An hour back: measured from the last claim, the wait would be an hour and 50 ms.
    clock.advance(-3_600_000);
    await deliver(`evt_after_${kind}`);
    await until(() => handled.length === 2);
  });

  it('with claimCoalesceMs 0 claims at every wake-up', async () => {
    const { handled, claim, deliver } = await start(0);
    for (let i = 0; i < 3; i++) {
      const before = claim.mock.calls.length;
      await deliver(`evt_each_${i}_${kind}`);
      await until(() => handled.length === i + 1);
      expect(claim.mock.calls.length).toBeGreaterThan(before);
    }
  });
});

describe('coalesceWaitMs', () => {
  it('waits until the window after the last claim, not at all once it passed, never past it', () => {
    expect(coalesceWaitMs(1_000, 1_000, 10)).toBe(10);
    expect(coalesceWaitMs(1_000, 1_004, 10)).toBe(6);
    // A sparse event: the last claim is older than the window.
    expect(coalesceWaitMs(1_000, 1_010, 10)).toBe(0);
    expect(coalesceWaitMs(1_000, 9_000, 10)).toBe(0);
    // The clock set back an hour: still at most the window.
    expect(coalesceWaitMs(1_000, 1_000 - 3_600_000, 10)).toBe(10);
    expect(coalesceWaitMs(1_000, 1_000, 0)).toBe(0);
  });
});

describe('claimCoalesceMs validation', () => {
  it('refuses a negative or non-finite window with a clear error', async () => {
    const backend = await createBackend('sqlite');
    try {
      for (const claimCoalesceMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(
          createInbox({ database: backend.database, secret, worker: { claimCoalesceMs } }),
        ).rejects.toThrow(/claimCoalesceMs must be 0 or more/);
      }
    } finally {
      await backend.cleanup();
    }
  });
});
