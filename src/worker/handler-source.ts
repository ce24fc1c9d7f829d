import type { Logger } from 'pino';
import type { WireEvent } from '../events/index.js';
import type { SqlExecutor } from '../store/sql-executor.js';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /**
   * The transaction the event's status is committed in: writes through it happen exactly once.
   * Anything else a handler does (HTTP calls, emails) is at-least-once. Valid only until the
   * handler returns: await every query; a later use rejects with `HandlerTransactionError`
   * (`transaction_ended`), and a query still running when the handler returns fails the attempt
   * (`query_not_awaited`).
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

/**
 * A function run for an event inside its transaction. Throw to fail the attempt. A returned
 * promise is awaited and its value ignored, so a one-line handler may return its query
 * (`(event, ctx) => ctx.tx.query(…)`).
 */
export type EventHandler<E = unknown> = (event: E, context: HandlerContext) => unknown;

/** Where the worker looks up the handlers of an event name (the inbox's registry). */
export interface HandlerSource {
  /** Handlers in the order they run; empty when none (the event is then simply marked done). */
  handlersFor(eventName: string): readonly EventHandler[];
  /**
   * Optional: what this source handles, for comparing workers on one database: event names, `*`
   * for every event, `(directory mirror)`. Workers that differ are warned of (a worker claims any
   * due event, and one without a handler for it marks it done).
   */
  describe?(): readonly string[];
  /** Optional: true while no event name has a handler (`handlersFor` is empty for every name). */
  isEmpty?(): boolean;
  /**
   * Optional: handlers that can collect the writes of several events and apply them together
   * (the built-in mirror). The worker then completes several events per transaction on both
   * backends, grouped by `key`.
   */
  readonly batching?: HandlerBatching;
}

/** How a {@link HandlerSource} applies the writes of several events at once. */
export interface HandlerBatching {
  /**
   * Events of different keys never share a collector, and on PostgreSQL never a transaction (the
   * mirror: one directory each, so a transaction holds one directory's lock, never several). On
   * SQLite, which has one writer, the claim's transaction may flush the collectors of several
   * keys one after another (see `Store.claimOrComplete`).
   */
  key(wire: WireEvent): string;
  /** A collector for one transaction. */
  open(): BatchCollector;
  /**
   * The handlers still to run one event at a time, after the event's collected writes are
   * applied (`handlersFor` minus what `add` does). Empty: the event only collects.
   */
  perEvent(eventName: string): readonly EventHandler[];
  /**
   * Optional: true while `perEvent` is empty for every name (every event only collects), so a
   * claim may read every due event whole at once. Absent: names are asked one by one.
   */
  onlyCollects?(): boolean;
}

/** Writes of several events, collected, then applied in one go. */
export interface BatchCollector {
  /** Collect one event's writes. Throws, collecting nothing, when the event cannot be applied. */
  add(wire: WireEvent): void;
  /** Apply everything collected inside `tx`, and start over. */
  flush(tx: SqlExecutor): Promise<void>;
}
