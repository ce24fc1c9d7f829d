import { withCausesLoggedOnce } from '../errors/error-log-serializer.js';
import { directoryOfEvent } from '../events/directory-of.js';
import { defaults } from '../defaults.js';
import { createDefaultLogger } from '../inbox/default-logger.js';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { EventValidationError } from '../events/event-validation-error.js';
import type { WireEvent } from '../events/index.js';
import { WebhookBodyError } from '../signature/body-error.js';
import { SignatureVerificationException } from '../signature/errors.js';
import { createVerifier } from '../signature/verifier.js';
import {
  bodyTooLarge,
  defaultDiscardOversizeMaxBytes,
  defaultDiscardOversizeMaxMs,
  defaultMaxBodyBytes,
  type BodyTooLarge,
} from './body.js';
import { getHeader, type HeaderSource } from './headers.js';
import { checkReceivedEnvelope } from './received-envelope.js';
import type { ReceiverMetrics, ReceiverOptions } from './receiver-options.js';
import { FailureRun } from '../failure-run.js';
import {
  acceptedResponse,
  errorResponse,
  retryAfterHeader,
  storeUnavailableResponse,
  type ReceiverErrorKind,
  type ReceiverResponse,
  type RejectionReason,
} from './responses.js';

/** What an adapter hands the core: the method, the headers and the raw body bytes. */
export interface ReceiverRequest {
  method: string;
  headers: HeaderSource;
  /** The raw bytes as received, or `bodyTooLarge` when the adapter stopped reading. */
  body: Uint8Array | BodyTooLarge;
}

export interface Receiver {
  /** Verify, check, commit, answer. Never throws: every failure is a status. */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
  /** The resolved body limit, for adapters that stop reading early. */
  readonly maxBodyBytes: number;
  /** How much of an oversized body node:http adapters discard before answering 413. */
  readonly discardOversize: { readonly maxBytes: number; readonly maxMs: number };
  /** Answer 503 to new requests from now on (graceful shutdown). */
  stopAccepting(): void;
  /** Resolves when every request already past the door has been answered. */
  drain(): Promise<void>;
  /** Requests being verified or committed right now (the worker yields to them, see `shareUnderLoad`). */
  readonly inFlight: number;
  /**
   * The answer for a request whose body something else read first (a framework's body parser):
   * 500 `body_unavailable` with `message` (how to fix it), counted and logged as an error, since
   * every delivery fails until the app is changed and only WorkOS's dashboard would show it.
   */
  bodyUnavailable(message: string): ReceiverResponse;
}

const noopMetrics: ReceiverMetrics = {
  received: () => {},
  accepted: () => {},
  duplicate: () => {},
  rejected: () => {},
  ingestSeconds: () => {},
};

const signatureHeaderName = 'workos-signature';
/** While the database is down, one summary line of the webhooks refused per this long. */
const outageLogEveryMs = 10_000;

/** The framework-free receiver: raw bytes and headers in, status and JSON body out. */
export function createReceiver(options: ReceiverOptions): Receiver {
  const clock = options.clock ?? systemClock;
  // An app's own pino logger logged a wrapped error's cause twice (our messages end with it).
  const logger: Logger = options.logger
    ? withCausesLoggedOnce(options.logger)
    : createDefaultLogger();
  const metrics = options.metrics ?? noopMetrics;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`);
  }
  const discardOversize = {
    maxBytes: options.discardOversizeMaxBytes ?? defaultDiscardOversizeMaxBytes,
    maxMs: options.discardOversizeMaxMs ?? defaultDiscardOversizeMaxMs,
  };
  const retryAfter = retryAfterHeader(
    options.retryAfterSeconds ?? defaults.retryAfterSeconds.value,
  );
  const verifier = createVerifier({
    secret: options.secret,
    ...(options.toleranceMs !== undefined ? { toleranceMs: options.toleranceMs } : {}),
    clock,
  });
  const { sink } = options;

  // While the database is down every webhook fails the same way: the first is logged in full,
  // then one line per `outageLogEveryMs` counts the rest, and one says when commits work again.
  const outage = new FailureRun(clock, outageLogEveryMs);
  function noteCommitFailed(id: string, error: unknown): void {
    const note = outage.failed();
    if (note.log === 'first') {
      logger.error(
        { reason: 'store_unavailable', eventId: id, err: error },
        'could not commit webhook; answering 503 (more while the database stays unavailable are counted, not logged each)',
      );
    } else if (note.log === 'count') {
      logger.error(
        {
          reason: 'store_unavailable',
          refused: note.unlogged,
          forMs: note.forMs,
          error: error instanceof Error ? error.message : String(error),
        },
        `the database is still unavailable: ${note.unlogged} more webhooks answered 503`,
      );
    }
  }
  function noteCommitted(): void {
    const ended = outage.succeeded();
    if (!ended) return;
    logger.info(
      { refused: ended.failures, forMs: ended.forMs },
      `the database accepts webhooks again, after ${ended.failures} answered 503`,
    );
  }

  let accepting = true;
  const inFlight = options.inFlightCounter ?? new Int32Array(1);
  let drainWaiters: Array<() => void> = [];

  /** Count, log and answer a rejection; its reason is the body's `code`. */
  function reject(
    reason: RejectionReason,
    body: { status: number; message: string; error?: ReceiverErrorKind; [extra: string]: unknown },
    headers?: Record<string, string>,
  ): ReceiverResponse {
    metrics.rejected(reason);
    logger.info({ reason, status: body.status }, 'webhook rejected');
    return errorResponse({ ...body, code: reason }, headers);
  }

  async function verifyAndCommit(request: ReceiverRequest): Promise<ReceiverResponse> {
    const method = request.method.toUpperCase();
    if (method !== 'POST') {
      return reject(
        'method_not_allowed',
        { status: 405, message: 'Only POST is accepted.' },
        { allow: 'POST' },
      );
    }
    const body = request.body;
    if (body === bodyTooLarge || body.byteLength > maxBodyBytes) {
      return reject(
        'body_too_large',
        {
          status: 413,
          limitBytes: maxBodyBytes,
          message: `The body exceeds ${maxBodyBytes} bytes.`,
        },
        { connection: 'close' },
      );
    }
    const sigHeader = getHeader(request.headers, signatureHeaderName);
    if (sigHeader === undefined || sigHeader.length === 0) {
      return reject('missing_header', {
        status: 400,
        error: 'missing_signature',
        message: 'The WorkOS-Signature header is missing.',
      });
    }
    let wire: WireEvent;
    try {
      wire = verifier.verifyAndParse(body, sigHeader);
      checkReceivedEnvelope(wire);
    } catch (error) {
      if (error instanceof SignatureVerificationException) {
        // A blank header is "missing" (400), like no header at all; every other failure is 401.
        return reject(error.code, {
          status: error.code === 'missing_header' ? 400 : 401,
          error: error.code === 'missing_header' ? 'missing_signature' : 'invalid_signature',
          message: error.message,
        });
      }
      if (error instanceof WebhookBodyError) {
        return reject('invalid_json', {
          status: 400,
          error: 'invalid_body',
          message: 'The body is not valid JSON.',
        });
      }
      if (error instanceof EventValidationError) {
        return reject('invalid_envelope', {
          status: 400,
          error: 'invalid_body',
          field: error.path || '(root)',
          message: error.message,
        });
      }
      throw error;
    }
    const { id, event, created_at: createdAt } = wire;
    if (logger.isLevelEnabled('debug')) {
      logger.debug(
        { eventId: id, event, payload: Buffer.from(body).toString('utf8') },
        'webhook verified',
      );
    }
    let outcome;
    try {
      outcome = await sink.append({
        id,
        event,
        createdAt,
        rawBody: body,
        source: 'webhook',
        receivedAt: new Date(clock.now()),
        directoryId: directoryOfEvent(event, wire.data),
      });
    } catch (error) {
      metrics.rejected('store_unavailable');
      noteCommitFailed(id, error);
      return storeUnavailableResponse(retryAfter);
    }
    noteCommitted();
    if (outcome === 'duplicate') {
      metrics.duplicate();
      logger.debug({ eventId: id, event }, 'duplicate webhook');
      return acceptedResponse(true);
    }
    metrics.accepted();
    return acceptedResponse(false);
  }

  return {
    maxBodyBytes,
    discardOversize,
    bodyUnavailable(message) {
      metrics.received();
      metrics.rejected('body_unavailable');
      logger.error({ reason: 'body_unavailable', status: 500 }, `webhook not verified: ${message}`);
      return errorResponse({
        status: 500,
        error: 'raw_body_unavailable' satisfies ReceiverErrorKind,
        code: 'body_unavailable',
        message,
      });
    },
    async handle(request) {
      const started = performance.now();
      metrics.received();
      if (!accepting) {
        return reject(
          'shutting_down',
          { status: 503, error: 'shutting_down', message: 'The inbox is closing.' },
          { 'retry-after': retryAfter, connection: 'close' },
        );
      }
      inFlight[0] = inFlight[0]! + 1;
      try {
        return await verifyAndCommit(request);
      } catch (error) {
        // Only a bug gets here; still an answer, and WorkOS will retry.
        logger.error({ err: error }, 'receiver failed unexpectedly');
        return errorResponse({ status: 500, code: 'internal_error', message: 'Unexpected error.' });
      } finally {
        inFlight[0] = inFlight[0]! - 1;
        metrics.ingestSeconds((performance.now() - started) / 1000);
        if (inFlight[0] === 0 && drainWaiters.length > 0) {
          const waiters = drainWaiters;
          drainWaiters = [];
          for (const w of waiters) w();
        }
      }
    },
    stopAccepting() {
      accepting = false;
    },
    drain() {
      if (inFlight[0] === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    get inFlight() {
      return inFlight[0]!;
    },
  };
}
