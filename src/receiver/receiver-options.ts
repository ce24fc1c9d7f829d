import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { AppendOutcome, NewEvent } from '../store/types.js';
import type { RejectionReason } from './responses.js';

/** Counters and a histogram the receiver feeds (see `createInboxMetrics`). All optional. */
export interface ReceiverMetrics {
  received(): void;
  accepted(): void;
  duplicate(): void;
  rejected(reason: RejectionReason): void;
  /** Seconds from the request reaching the core to its answer (verify + parse + commit). */
  ingestSeconds(seconds: number): void;
}

/** Where verified events go: `Store.append` (or anything with its contract). */
export interface EventSink {
  append(event: NewEvent): Promise<AppendOutcome>;
}

export interface ReceiverOptions {
  /** Commits each verified event; the answer is 200 only after it resolves. */
  sink: EventSink;
  /** The endpoint's webhook secret; pass several during a rotation (any one may match). */
  secret: string | readonly string[];
  /**
   * How old a signature timestamp may be, in milliseconds (the official SDK's `tolerance`).
   * @defaultValue `defaults.toleranceMs.value`
   */
  toleranceMs?: number;
  /**
   * Larger bodies are answered 413 without being read further.
   * @defaultValue `defaults.maxBodyBytes.value`
   */
  maxBodyBytes?: number;
  /**
   * After a body over `maxBodyBytes`, read and discard up to this many more bytes before answering
   * 413, so the client reads the answer instead of a reset connection (node:http adapters).
   * @defaultValue `defaults.discardOversizeMaxBytes.value`
   */
  discardOversizeMaxBytes?: number;
  /**
   * The longest time spent discarding an oversized body before the connection is cut.
   * @defaultValue `defaults.discardOversizeMaxMs.value`
   */
  discardOversizeMaxMs?: number;
  /**
   * `Retry-After` (seconds) sent with 503 answers, so WorkOS retries soon.
   * @defaultValue `defaults.retryAfterSeconds.value`
   */
  retryAfterSeconds?: number;
  /** @defaultValue warnings and errors as JSON lines on stderr (`createDefaultLogger`) */
  logger?: Logger;
  /** @defaultValue the system clock */
  clock?: Clock;
  metrics?: ReceiverMetrics;
  /**
   * Where the count of requests in flight is kept (its element 0): a view of a
   * `SharedArrayBuffer` lets a worker thread read it (`serve` runs its worker in one on
   * PostgreSQL and yields while this is above 0). Only the receiver writes it.
   * @defaultValue a counter of its own
   */
  inFlightCounter?: Int32Array;
}
