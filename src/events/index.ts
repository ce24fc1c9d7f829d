// Typed WorkOS events: names, wire and deserialized types, SDK-equal deserialization, validation.
export { eventNames, sdkEventNames, extraEventNames, isKnownEventName } from './event-names.js';
export type { EventName, KnownEventName, SdkEventName, ExtraEventName } from './event-names.js';
export type {
  Event,
  WireEvent,
  EventBase,
  WireEventBase,
  UnknownEvent,
  KnownWireEvent,
  EventByName,
  WireEventByName,
  EventDataMap,
  WireEventDataMap,
} from './event-types.js';
export type * from './event-data.js';
export type * from './event-data-more.js';
export type * from './wire-data.js';
export type * from './wire-data-more.js';
export { deserializeEvent } from './deserialize-event.js';
export { checkEnvelope } from './check-envelope.js';
export { EventValidationError, eventValidationErrorCodes } from './event-validation-error.js';
export type { EventValidationErrorCode, EventFieldIssue } from './event-validation-error.js';
export { validateEvent, findEventIssues } from './validate-event.js';
export type { ValidateEventOptions } from './validate-event.js';
