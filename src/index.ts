// The package's main entry. Each area adds its public exports here.
export { WorkosInboxError } from './errors/workos-inbox-error.js';
export { errorCodes } from './errors/error-codes.js';
export { SignatureVerificationException, signatureErrorCodes } from './signature/errors.js';
export type { SignatureErrorCode } from './signature/errors.js';
export { signatureHeader, computeSignatureSync } from './signature/sign.js';
export { verifySignature } from './signature/verify.js';
export type { VerifySignatureOptions } from './signature/verify.js';
export { createVerifier } from './signature/verifier.js';
export type { Verifier, VerifierOptions } from './signature/verifier.js';
export type { VerifiedSignature } from './signature/verified-signature.js';
export { parseSignatureHeader } from './signature/parse-header.js';
export type { ParsedSignatureHeader, SignatureHeaderInput } from './signature/parse-header.js';
export { defaultToleranceMs } from './signature/options.js';
export type { WebhookSecret } from './signature/options.js';
export type { WebhookPayload } from './signature/payload.js';
export { WebhookBodyError, webhookBodyErrorCodes } from './signature/body-error.js';
export type { WebhookBodyErrorCode } from './signature/body-error.js';
export { WorkOS, Webhooks, SdkModuleNotProvidedError } from './compat/index.js';
export type {
  WorkOSOptions,
  WebhookVerifyOptions,
  WebhooksOptions,
  TimestampAndSignatureHash,
} from './compat/index.js';
export type { Clock } from './clock.js';
export { StoreUnavailableError, SchemaMismatchError, MigrationFailedError } from './store/types.js';
export type * from './store/types.js';
export type { SqlExecutor, Dialect, QueryResult } from './store/sql-executor.js';
export {
  checkEnvelope,
  deserializeEvent,
  EventValidationError,
  eventValidationErrorCodes,
  eventNames,
  sdkEventNames,
  extraEventNames,
  isKnownEventName,
  validateEvent,
  findEventIssues,
} from './events/index.js';
export type * from './events/index.js';
export {
  openStore,
  openMigratedStore,
  isPostgresUrl,
  InvalidDatabaseError,
} from './store/open-store.js';
export { DatabaseDriverMissingError, DatabaseDriverNotBuiltError } from './store/load-backend.js';
export { loadMigrations, MigrationFolderError } from './store/load-migrations.js';
export { InvalidCursorError } from './store/list-cursor.js';
export { InvalidFilterError } from './store/event-filter.js';
export { InvalidPruneOptionsError } from './store/prune-events.js';
export { InvalidEventError } from './store/validate-event.js';
export { InvalidSchemaError } from './store/postgres/invalid-schema-error.js';
export * from './mirror/index.js';
// Inbox: createInbox, the receiver core and its adapters, the worker, metrics.
export { createInbox } from './inbox/create-inbox.js';
export type { Inbox } from './inbox/create-inbox.js';
export type { InboxOptions } from './inbox/inbox-options.js';
export type { RetentionSettings } from './inbox/retention-loop.js';
export { InvalidRetentionError } from './inbox/retention-loop.js';
export { HandlerRegistry } from './inbox/handler-registry.js';
export type { EventOf } from './inbox/handler-registry.js';
export { createReceiver } from './receiver/create-receiver.js';
export type { Receiver, ReceiverRequest } from './receiver/create-receiver.js';
export type { ReceiverOptions, ReceiverMetrics, EventSink } from './receiver/receiver-options.js';
export { rejectionReasons } from './receiver/responses.js';
export type { ReceiverResponse, RejectionReason } from './receiver/responses.js';
export { bodyTooLarge, defaultMaxBodyBytes, readBodyWithLimit } from './receiver/body.js';
export type { BodyTooLarge } from './receiver/body.js';
export type { HeaderSource } from './receiver/headers.js';
export { createNodeHandler, handleNodeRequest } from './receiver/adapters/node.js';
export { createWebHandler, inboxUnavailableResponse } from './receiver/adapters/web.js';
export { createExpressHandler, captureRawBody } from './receiver/adapters/express.js';
export type { ExpressLikeHandler } from './receiver/adapters/express.js';
export { createFastifyPlugin } from './receiver/adapters/fastify.js';
export type { FastifyInboxPlugin, FastifyPluginOptions } from './receiver/adapters/fastify.js';
export { createWorker } from './worker/create-worker.js';
export type { Worker } from './worker/create-worker.js';
export { HandlerTransactionError } from './worker/handler-tx.js';
export type { HandlerTransactionErrorCode } from './worker/handler-tx.js';
export { workerDefaults } from './worker/worker-options.js';
export { defaults, shownDefault } from './defaults.js';
export type { DefaultEntry, DefaultKey } from './defaults.js';
export type {
  WorkerOptions,
  WorkerSettings,
  WorkerMetrics,
  AttemptOutcome,
} from './worker/worker-options.js';
export { backoffDelayMs } from './worker/backoff.js';
export type { BackoffSettings } from './worker/backoff.js';
export type { HandlerContext, EventHandler, HandlerSource } from './worker/handler-source.js';
export { createInboxMetrics } from './metrics/inbox-metrics.js';
export type { InboxMetrics, InboxMetricsOptions } from './metrics/inbox-metrics.js';
// Reconcile: bring the mirror to WorkOS's state through its list endpoints (the CLI's
// `reconcile`), with the REST API client it reads through.
export { reconcile } from './reconcile/reconcile.js';
export type {
  ReconcileOptions,
  ReconcileResult,
  ReconcileProgress,
  ReconcileDatabase,
} from './reconcile/reconcile.js';
export { ReconcileStoppedError, ReconcileScopeError } from './reconcile/reconcile-errors.js';
export { reconcileFamilies } from './reconcile/reconcile-scope.js';
export type { ReconcileScope, ReconcileFamily } from './reconcile/reconcile-scope.js';
export type { ReconcileCounts, TableCounts } from './reconcile/table-counts.js';
export type { ReconcileTableName } from './reconcile/reconcile-tables.js';
export type { ListSource } from './reconcile/list-pages.js';
export { WorkosApiClient } from './workos-api/workos-api-client.js';
export type { WorkosApiOptions } from './workos-api/workos-api-options.js';
export { WorkosApiError } from './workos-api/workos-api-errors.js';
