// Compile-time checks (tsc runs over test/ in `npm test`); at run time they only assert names.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { deserializeEvent, isKnownEventName } from '../../src/events/index.js';
import type {
  DirectoryUserData,
  Event,
  EventByName,
  EventName,
  GroupData,
  KnownEventName,
  UnknownEvent,
  UserData,
  WireEvent,
  WireEventByName,
  WireWaitlistUserData,
} from '../../src/events/index.js';
import { sampleEvent } from '../../src/testing/index.js';

function describeEvent(event: Event): string {
  switch (event.event) {
    case 'dsync.user.created':
      expectTypeOf(event.data).toEqualTypeOf<DirectoryUserData>();
      return event.data.firstName ?? '';
    case 'user.updated':
      expectTypeOf(event.data).toEqualTypeOf<UserData>();
      return event.data.email;
    case 'group.created':
      expectTypeOf(event.data.createdAt).toEqualTypeOf<Date>();
      return event.data.name;
    case 'dsync.group.user_added':
      expectTypeOf(event.data.user).toEqualTypeOf<DirectoryUserData>();
      return event.data.group.name;
    case 'waitlist_user.approved':
      expectTypeOf(event.data).toEqualTypeOf<WireWaitlistUserData>();
      return event.data.approved_at ?? '';
    default:
      return event.event;
  }
}

describe('event types', () => {
  it('narrow data in a switch on the name', () => {
    const event = deserializeEvent(sampleEvent('user.updated', { seed: 2 }));
    expect(describeEvent(event)).toBe(event.data.email);
  });

  it('map names to events, unknown names to UnknownEvent', () => {
    expectTypeOf<EventByName<'user.created'>['data']>().toEqualTypeOf<UserData>();
    expectTypeOf<EventByName<'group.deleted'>['data']>().toEqualTypeOf<GroupData>();
    expectTypeOf<EventByName<'some.future_event'>>().toEqualTypeOf<UnknownEvent>();
    expectTypeOf<WireEventByName<'some.future_event'>>().toEqualTypeOf<WireEvent>();
    expectTypeOf<Event['event']>().toEqualTypeOf<KnownEventName>();
    expect(isKnownEventName('some.future_event')).toBe(false);
  });

  it('type deserializeEvent from the wire name', () => {
    const group = deserializeEvent(sampleEvent('group.created'));
    expectTypeOf(group.data.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(group.event).toEqualTypeOf<'group.created'>();
    const loose: WireEvent = { id: 'e', event: 'x', created_at: 'c', data: {} };
    expectTypeOf(deserializeEvent(loose)).toEqualTypeOf<Event>();
    expect(group.data.createdAt).toBeInstanceOf(Date);
  });

  it('accept any string as an EventName and keep typed wire events plain WireEvents', () => {
    const name: EventName = 'brand.new';
    expectTypeOf<'user.created'>().toExtend<EventName>();
    expectTypeOf<string>().not.toExtend<KnownEventName>();
    const wire: WireEvent = sampleEvent('organization.updated');
    expect(typeof wire.data.name).toBe('string');
    expect(name).toBe('brand.new');
  });
});
