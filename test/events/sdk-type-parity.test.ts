// Compile-time: every event as SDK 11.0.0 types it fits our type for the same name, so code
// written against the SDK's types keeps compiling with ours.
import type { Event as SdkEvent } from '@workos-inc/node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { sdkEventNames } from '../../src/events/index.js';
import type { EventByName, SdkEventName } from '../../src/events/index.js';

/** `true`, or the names whose SDK type does not fit ours. */
type SdkFitsOurs = {
  [N in SdkEventName]: Extract<SdkEvent, { event: N }> extends EventByName<N> ? true : N;
}[SdkEventName];

/** `true`, or the SDK names we do not type. */
type NamesMatch = SdkEvent['event'] extends SdkEventName
  ? SdkEventName extends SdkEvent['event']
    ? true
    : 'ours has extra'
  : Exclude<SdkEvent['event'], SdkEventName>;

describe('types against @workos-inc/node 11.0.0', () => {
  it('accept every SDK event type for its name', () => {
    expectTypeOf<SdkFitsOurs>().toEqualTypeOf<true>();
    expectTypeOf<NamesMatch>().toEqualTypeOf<true>();
    expect(sdkEventNames).toHaveLength(84);
  });
});
