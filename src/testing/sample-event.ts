import { eventShapeFor } from '../events/event-shapes.js';
import { isKnownEventName } from '../events/index.js';
import type { KnownEventName, WireEventByName } from '../events/index.js';
import { deepMergeInto } from './deep-merge.js';
import type { DeepPartial } from './deep-merge.js';
import { eventPatches } from './event-patches.js';
import { SampleContext } from './sample-context.js';
import { sampleShape } from './sample-values.js';
import { ulid } from './seeded-random.js';

/** Options of {@link sampleEvent}. */
export interface SampleEventOptions<N extends KnownEventName = KnownEventName> {
  /** Same seed, same event (ids, names, emails, times). @defaultValue 1 */
  seed?: number;
  /**
   * The event's `created_at`; object timestamps are placed around it.
   * @defaultValue 2026-01-15T12:00:00.000Z plus up to a day, from the seed
   */
  createdAt?: Date | string | number;
  /**
   * Merged into the generated event, recursively (arrays are replaced, `undefined` removes a
   * key): `{ data: { email: 'a@b.c' } }`, `{ id: 'event_1', context: { client_id: 'x' } }`.
   */
  overrides?: DeepPartial<WireEventByName<N>>;
}

/** The base time of samples without `createdAt`, so a seed alone fixes the whole event. */
const baseTimeMs = Date.UTC(2026, 0, 15, 12, 0, 0);

function timeOf(createdAt: Date | string | number | undefined, seed: number): number {
  if (createdAt === undefined) return baseTimeMs + ((seed * 7_919_993) % 86_400_000);
  const ms = createdAt instanceof Date ? createdAt.getTime() : new Date(createdAt).getTime();
  if (Number.isNaN(ms))
    throw new TypeError(`sampleEvent: createdAt is not a valid time: ${String(createdAt)}`);
  return ms;
}

/**
 * A realistic event as WorkOS sends it (snake_case wire shape, valid for `validateEvent`), for
 * any of the 91 known names: `directory_user_01H…`-style ids, names and emails that agree with
 * each other, timestamps around `createdAt`. Deterministic: the same name and options give the
 * same event.
 *
 * @example
 * const event = sampleEvent('dsync.user.created', { seed: 7, overrides: { data: { email: 'ada@example.com' } } });
 */
export function sampleEvent<N extends KnownEventName>(
  name: N,
  options: SampleEventOptions<N> = {},
): WireEventByName<N> {
  if (!isKnownEventName(name)) {
    throw new TypeError(`sampleEvent: unknown event name ${JSON.stringify(name)}`);
  }
  const seed = options.seed ?? 1;
  const timeMs = timeOf(options.createdAt, seed);
  const ctx = new SampleContext(name, seed, timeMs);
  const data = sampleShape(eventShapeFor(name)!.shape, ctx);
  eventPatches[name]?.(data, ctx);
  const event: Record<string, unknown> = {
    id: `event_${ulid(timeMs, ctx.random)}`,
    event: name,
    data,
    created_at: new Date(timeMs).toISOString(),
  };
  if (options.overrides) deepMergeInto(event, options.overrides as Record<string, unknown>);
  return event as unknown as WireEventByName<N>;
}
