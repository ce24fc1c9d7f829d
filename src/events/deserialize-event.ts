import { eventShapeFor } from './event-shapes.js';
import type { Event, EventByName, KnownWireEvent, WireEvent } from './event-types.js';
import { deserializeShape } from './field-spec.js';

/**
 * What `@workos-inc/node` 11.0.0's `constructEvent` returns for a parsed body, deep-equal:
 * `{ id, createdAt, context, event, data }` with `data` camelCased by the SDK's rules for the
 * name (unlisted fields dropped, its defaults, `Date`s for `group.*`). Names the SDK does not
 * deserialize, known or not, keep their `data` as sent. Never returns `undefined`.
 *
 * Typing: like the SDK, the result is typed as {@link Event} (the known names) so that
 * `switch (event.event)` narrows `data`; an unknown name reaches the `default` branch at run time
 * with its raw `data` (see `isKnownEventName` and `UnknownEvent`).
 *
 * Malformed `data` is not rejected here (use `validateEvent`): where the SDK would throw a
 * `TypeError` (say `domains` is not an array) the value is kept as sent.
 */
export function deserializeEvent<W extends KnownWireEvent>(wire: W): EventByName<W['event']>;
export function deserializeEvent(wire: WireEvent): Event;
export function deserializeEvent(wire: WireEvent): Event {
  const entry = eventShapeFor(wire.event);
  const raw: unknown = wire.data;
  // `null` data would make the SDK throw; it is kept as sent (validateEvent rejects it).
  const data =
    entry !== undefined && entry.deserialize && raw !== null && raw !== undefined
      ? deserializeShape(entry.shape, wire.data)
      : wire.data;
  return {
    id: wire.id,
    createdAt: wire.created_at,
    context: wire.context,
    event: wire.event,
    data,
  } as Event;
}
