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

/** The names whose type of ours does not fit the SDK's (ours is wider: README, deliberate differences). */
type OursWiderThanSdk = {
  [N in SdkEventName]: EventByName<N> extends Extract<SdkEvent, { event: N }> ? never : N;
}[SdkEventName];

/**
 * Where deliveries carry more than the SDK's types say: `authentication.*` `type` `passkey` (all
 * but radar_risk_detected, which has its own shape), domain `state` `failed` (the domain events
 * and the domains inside organization events), `connection.*` and `dsync.activated`/`deleted`
 * `type` any string (WorkOS adds connection types).
 */
type DocumentedWider =
  | Exclude<Extract<SdkEventName, `authentication.${string}`>, 'authentication.radar_risk_detected'>
  | Extract<SdkEventName, `organization_domain.${string}` | `organization.${string}`>
  | Extract<SdkEventName, `connection.${string}`>
  | 'dsync.activated'
  | 'dsync.deleted';

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

  it('are wider than the SDK’s only where the README says (so ours fit the SDK’s elsewhere)', () => {
    expectTypeOf<OursWiderThanSdk>().toEqualTypeOf<DocumentedWider>();
  });
});
