import type { Logger } from 'pino';
import type { WireEvent } from '../events/index.js';
import type { SqlExecutor } from '../store/sql-executor.js';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /**
   * The transaction the event's status is committed in: writes through it happen exactly once.
   * Anything else a handler does (HTTP calls, emails) is at-least-once.
   */
  tx: SqlExecutor;
  /** 1 on the first attempt. */
  attempt: number;
  /** A child logger carrying `eventId` and `event`. */
  logger: Logger;
  eventId: string;
  /** The request body exactly as WorkOS sent it. */
  raw: Buffer;
  /** The body parsed, as sent (snake_case), before the SDK's deserialization. */
  wire: WireEvent;
}

/** A function run for an event inside its transaction. Throw to fail the attempt. */
export type EventHandler<E = unknown> = (event: E, context: HandlerContext) => Promise<void> | void;

/** Where the worker looks up the handlers of an event name (the inbox's registry). */
export interface HandlerSource {
  /** Handlers in the order they run; empty when none (the event is then simply marked done). */
  handlersFor(eventName: string): readonly EventHandler[];
}
