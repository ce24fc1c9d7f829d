// docs/events.md "Types".
// #region event-types
import type { Event, EventByName } from 'workos-inbox';

function summary(event: Event): string {
  switch (event.event) {
    case 'dsync.user.created':
      return `new user ${event.data.firstName}`; // event.data is DirectoryUserData
    case 'group.created':
      return `group at ${event.data.createdAt.getTime()}`; // a Date, as the SDK makes it
    default:
      return `not handled: ${event.event}`;
  }
}

type UserCreated = EventByName<'user.created'>; // { id, createdAt, context, event: 'user.created', data: UserData }
type Future = EventByName<'something.new'>; // UnknownEvent: data is Record<string, unknown>
// #endregion event-types

export { summary };
export type { UserCreated, Future };
