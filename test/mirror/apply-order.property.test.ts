import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { dumpMirror, mirrorDatabases } from './helpers/mirror-databases.js';

async function applyAll(
  db: MirrorTestDatabase,
  events: readonly WireEvent[],
  batchSizes: readonly number[] = [1],
): Promise<void> {
  let i = 0;
  let b = 0;
  while (i < events.length) {
    const size = batchSizes[b++ % batchSizes.length]!;
    const batch = events.slice(i, i + size);
    i += size;
    await db.transaction(async (tx) => {
      for (const e of batch) await applyMirrorEvent(tx, e);
    });
  }
}

/** A permutation of the history with some events delivered twice or three times. */
const delivery = (length: number) =>
  fc.record({
    keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
      minLength: length,
      maxLength: length,
    }),
    duplicates: fc.array(fc.nat({ max: length - 1 }), { maxLength: Math.ceil(length / 5) }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 5 }),
  });

function deliver(
  events: readonly WireEvent[],
  d: { keys: number[]; duplicates: number[] },
): WireEvent[] {
  const copies = [...events.map((e, i) => ({ e, k: d.keys[i]! }))];
  for (const i of d.duplicates) copies.push({ e: events[i]!, k: d.keys[(i * 7) % events.length]! });
  return copies.sort((a, b) => a.k - b.k).map((c) => c.e);
}

describe.each(mirrorDatabases)(
  'mirror apply on %s: any delivery order, any duplicates',
  (_, open) => {
    let db: MirrorTestDatabase;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => {
      await db.close();
    });

    it('gives the same tables as the history applied in order', { timeout: 900_000 }, async () => {
      const runs = db.dialect === 'sqlite' ? 40 : 15;
      const seeds = [...Array(4).keys()].map((s) => s + 11);
      const inOrder = new Map<number, { events: WireEvent[]; dump: Record<string, unknown[]> }>();
      for (const seed of seeds) {
        const { events } = generateDirectoryHistory({
          seed,
          organizations: 2,
          usersPerDirectory: 6,
          groupsPerDirectory: 3,
          authkitUsersPerOrganization: 2,
          events: 160,
          deletedDirectories: 1,
        });
        await db.reset();
        await applyAll(db, events);
        inOrder.set(seed, { events, dump: await dumpMirror(db) });
      }
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...seeds)
            .chain((seed) => delivery(inOrder.get(seed)!.events.length).map((d) => ({ seed, d }))),
          async ({ seed, d }) => {
            const { events, dump } = inOrder.get(seed)!;
            await db.reset();
            await applyAll(db, deliver(events, d), d.batchSizes);
            expect(await dumpMirror(db)).toEqual(dump);
          },
        ),
        { numRuns: runs },
      );
    });
  },
);
