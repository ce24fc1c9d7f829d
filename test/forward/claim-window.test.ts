// How far ahead a destination claims: a fast destination is fed by few, large claims (each claim
// is a transaction with a cost of its own, on either backend); a queued delivery never starts once its lease could end during the attempt
// (the destination slowed down after a large claim): it is claimed again after the lease, and
// every event is still delivered.
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder } from '../../src/forward/create-forwarder.js';
import { listDeliveries } from '../../src/forward/delivery-queries.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { startEndpoint, until } from './helpers/endpoint.js';
import { appendSampleUsers } from './helpers/sample-appends.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const options = {
  secret: 'whsec_claim_window_test',
  timeoutMs: 10_000,
  concurrency: 2,
  ordered: false,
  maxAttempts: 10,
  backoff: { baseMs: 1000, capMs: 1000 },
};

/** A registered forwarder to one destination (`url;name=…`), closed after the test. */
async function registeredForwarder(
  store: Store,
  destination: string,
  extra: Partial<Parameters<typeof createForwarder>[0]> = {},
) {
  const forwarder = createForwarder({
    store,
    destinations: parseDestinations(destination, options),
    idlePollMs: 20,
    ...extra,
  });
  cleanups.push(() => forwarder.close());
  await forwarder.register();
  return forwarder;
}

async function storeWithEvents(
  kind: (typeof backendKinds)[number],
  at: number,
  /** Runs before each claim's statement (the first is number 1), in its transaction. */
  beforeClaim?: (claim: number) => Promise<void>,
) {
  const backend = await createBackend(kind, 'wi_forward_window');
  cleanups.push(backend.cleanup);
  const opened = await openStore({ database: backend.database });
  cleanups.push(() => opened.close());
  await opened.migrate();
  // Claims are counted, and the write transactions that record outcomes with or without one.
  let claims = 0;
  let outcomesAlone = 0;
  let outcomesWithClaim = 0;
  const store: Store = new Proxy(opened, {
    get(target, key, receiver) {
      if (key === 'writeTransaction') {
        return (fn: Parameters<Store['writeTransaction']>[0]) =>
          target.writeTransaction(async (tx) => {
            let claimed = false;
            let recorded = false;
            const counted = new Proxy(tx, {
              get(t, k, r) {
                if (k !== 'query') return Reflect.get(t, k, r) as unknown;
                return async (sql: string, ...rest: unknown[]) => {
                  if (/SET status = 'delivering'/.test(sql)) {
                    claims++;
                    claimed = true;
                    await beforeClaim?.(claims);
                  }
                  // Outcomes: of the statements run here, the only one that writes delivered_at.
                  if (/\bdelivered_at\b/.test(sql)) recorded = true;
                  return (Reflect.get(t, k, r) as (...a: unknown[]) => unknown).call(
                    t,
                    sql,
                    ...rest,
                  );
                };
              },
            });
            const value = await fn(counted);
            if (recorded && claimed) outcomesWithClaim++;
            else if (recorded) outcomesAlone++;
            return value;
          });
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  let seed = 10_000;
  const append = (n: number) =>
    appendSampleUsers(
      opened,
      Array.from({ length: n }, () => seed++),
      at,
    );
  const deliveries = async (destination: string) =>
    (await opened.read((db) => listDeliveries(db, { destination, limit: 1000 }))).deliveries;
  /** How many of `destination`'s deliveries are in `status` now. */
  const count = async (destination: string, status: string) =>
    (await deliveries(destination)).filter((d) => d.status === status).length;
  return {
    store,
    append,
    deliveries,
    count,
    claims: () => claims,
    outcomeTransactions: () => ({ alone: outcomesAlone, withClaim: outcomesWithClaim }),
  };
}

describe.each(backendKinds)('claiming ahead on %s', (kind) => {
  it('a destination that answers at once is fed by a few large claims, which record outcomes too', async () => {
    const { store, append, count, claims, outcomeTransactions } = await storeWithEvents(
      kind,
      Date.now(),
    );
    const endpoint = await startEndpoint((_r, res) => void res.writeHead(204).end());
    cleanups.push(() => endpoint.close());
    const forwarder = await registeredForwarder(store, `${endpoint.url};name=fast`);
    await append(300);
    await forwarder.start();
    await until(async () => (await count('fast', 'delivered')) === 300, 'all delivered');
    expect(endpoint.received).toHaveLength(300);
    // Concurrency 2: a window of twice the concurrency would need at least 75 claims; it grows
    // with fast answers.
    expect(claims()).toBeLessThanOrEqual(10);
    // A claim made while outcomes wait for their flush records them in its own transaction (the
    // second claim at the latest: it follows the first attempts' ends, before their flush).
    expect(outcomeTransactions().withClaim).toBeGreaterThanOrEqual(1);
  });

  it('queued deliveries keep starting while a claim is in progress', async () => {
    // Claims after the first wait at a gate; the endpoint answers when the test says.
    let openGate: () => void = () => {};
    const gate = new Promise<void>((r) => (openGate = r));
    let secondClaimWaiting: () => void = () => {};
    const secondClaim = new Promise<void>((r) => (secondClaimWaiting = r));
    const { store, append, count } = await storeWithEvents(kind, Date.now(), async (n) => {
      if (n < 2) return;
      secondClaimWaiting();
      await gate;
    });
    const pending: Array<() => void> = [];
    let answerAll = false;
    const endpoint = await startEndpoint((_r, res) => {
      const answer = () => void res.writeHead(204).end();
      if (answerAll) answer();
      else pending.push(answer);
    });
    cleanups.push(async () => {
      openGate();
      answerAll = true;
      for (const answer of pending.splice(0)) answer();
      await endpoint.close();
    });
    const forwarder = await registeredForwarder(store, `${endpoint.url};name=gated`, {
      claimAheadMax: 8,
    });
    await append(20);
    await forwarder.start();
    // The first claim takes twice the concurrency (no attempt timed yet): two sent, two queued.
    await until(() => endpoint.received.length === 2, 'the first two attempts');
    // The first answers: its slot takes a queued delivery, and with the window grown to 8 and
    // three held, the next claim starts, and waits at the gate.
    pending.shift()!();
    await secondClaim;
    await until(() => endpoint.received.length === 3, 'the third attempt');
    // The two in flight answer while that claim is still open: their slots take the last queued
    // delivery instead of waiting for the claim.
    for (const answer of pending.splice(0)) answer();
    await until(() => endpoint.received.length === 4, 'the fourth attempt, during the claim');
    expect(endpoint.received).toHaveLength(4);
    openGate();
    answerAll = true;
    for (const answer of pending.splice(0)) answer();
    await until(async () => (await count('gated', 'delivered')) === 20, 'all delivered');
    const ids = endpoint.received.map((r) => r.headers['workos-inbox-event-id']);
    expect(new Set(ids).size).toBe(20);
  });

  it('queued deliveries whose lease could end during the attempt are left, then claimed again and delivered', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const { store, append, deliveries, count } = await storeWithEvents(kind, now);
    // The first answers at once (the window grows); the second waits until the test lets it.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let requests = 0;
    const endpoint = await startEndpoint((_r, res) => {
      requests++;
      if (requests === 2) void held.then(() => res.writeHead(204).end());
      else res.writeHead(204).end();
    });
    cleanups.push(async () => {
      release();
      await endpoint.close();
    });
    const forwarder = await registeredForwarder(
      store,
      `${endpoint.url};name=slowing;concurrency=1`,
      { clock },
    );
    await append(1);
    await forwarder.start();
    await until(() => endpoint.received.length === 1, 'the first delivery');
    await until(
      async () => (await deliveries('slowing'))[0]?.status === 'delivered',
      'the first recorded',
    );
    // A backlog, claimed in one go now that attempts are fast; the second attempt hangs.
    await append(40);
    forwarder.wake();
    await until(() => endpoint.received.length === 2, 'the second attempt');
    // The backlog is claimed ahead of the hung attempt. (Waited for: the appends' wake-ups can
    // start a claim before the last of the 40 is committed, and the rest then goes in the next
    // claim.)
    await until(
      async () => (await count('slowing', 'delivering')) >= 10,
      'the backlog claimed ahead of the hung attempt',
    );
    // 25 s later (lease 30 s, timeout 10 s) the hung attempt answers: what is still queued could
    // outlive its lease, so it is not started.
    now += 25_000;
    release();
    // The counter is exported at 0 from the start: its value is read, not its presence. The wait
    // also ends once every delivery is recorded, so a forwarder that never gives one back fails
    // here at once rather than after the patience.
    const requeued = async () => {
      const metric = forwarder.metrics.registry.getSingleMetric(
        'workos_inbox_forward_requeued_total',
      );
      const { values } = await metric!.get();
      return values.find((v) => v.labels.destination === 'slowing')?.value ?? 0;
    };
    await until(
      async () => (await requeued()) > 0 || (await count('slowing', 'delivered')) === 41,
      'requeued',
    );
    expect(await requeued()).toBeGreaterThan(0);
    // Given back at once: claimed again and delivered before the old leases end.
    await until(async () => (await count('slowing', 'delivered')) === 41, 'all delivered');
    // Each POSTed once, in one counted attempt: what waited too long was given back uncounted
    // and claimed again with a fresh lease, without waiting for the old one to end.
    const ids = endpoint.received.map((r) => r.headers['workos-inbox-event-id']);
    expect(new Set(ids).size).toBe(41);
    expect(ids).toHaveLength(41);
    expect((await deliveries('slowing')).every((d) => d.attempts === 1)).toBe(true);
  });
});
