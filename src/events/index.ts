// PLACEHOLDER laid down with the project so other areas can compile against these names.
// The events area replaces it with the typed union, the SDK-equal deserializers and validation.

/** An event as WorkOS sends it (snake_case). */
export interface WireEvent {
  id: string;
  event: string;
  created_at: string;
  data: Record<string, unknown>;
  context?: Record<string, unknown>;
  object?: string;
}

/** An event as `@workos-inc/node` 11.0.0 deserializes it. */
export interface Event {
  id: string;
  event: string;
  createdAt: string;
  context: Record<string, unknown> | undefined;
  data: unknown;
}

export type EventName = string;

export function deserializeEvent(wire: WireEvent): Event {
  return {
    id: wire.id,
    createdAt: wire.created_at,
    context: wire.context,
    event: wire.event,
    data: wire.data,
  };
}

export { checkEnvelope } from './check-envelope.js';
export { EventValidationError, eventValidationErrorCodes } from './event-validation-error.js';
export type { EventValidationErrorCode, EventFieldIssue } from './event-validation-error.js';
