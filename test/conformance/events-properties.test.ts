import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeEvent, eventNames } from '../../src/events/index.js';
import type { WireEvent } from '../../src/events/index.js';
import { sampleEvent } from '../../src/testing/index.js';
import { constructWithBoth, forEachTabledObject } from './events-helpers.js';

const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.integer(), fc.constant({ id: 'x' })), { maxLength: 2 }),
);

/** A sample with random fields removed or replaced by values of other types. */
const mangledEvent = fc
  .record({
    name: fc.constantFrom(...eventNames),
    seed: fc.integer({ min: 1, max: 1000 }),
    edits: fc.array(fc.tuple(fc.nat(), oddValue), { minLength: 1, maxLength: 4 }),
  })
  .map(({ name, seed, edits }) => {
    const wire: WireEvent = sampleEvent(name, { seed });
    const slots: [Record<string, unknown>, string][] = [];
    forEachTabledObject(name, wire.data, (shape, value) => {
      for (const spec of shape.fields) slots.push([value, spec.wire]);
    });
    for (const [index, value] of edits) {
      const [target, key] = slots[index % slots.length]!;
      if (value === undefined) delete target[key];
      else target[key] = value;
    }
    return wire;
  });

describe('deserializeEvent on malformed data', () => {
  it('equals the SDK whenever the SDK returns, and never throws where the SDK does', async () => {
    await fc.assert(
      fc.asyncProperty(mangledEvent, async (wire) => {
        const ours = deserializeEvent(structuredClone(wire));
        let sdkEvent: unknown;
        try {
          ({ sdkEvent } = await constructWithBoth(wire));
        } catch (error) {
          // The deliberate difference: the SDK throws a TypeError reading into a bad value.
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        expect(ours).toStrictEqual(sdkEvent);
      }),
      { numRuns: 400, seed: 20260115 },
    );
  });
});
