import { eventValidationErrorCodes } from '../events/event-validation-error.js';
import { mirrorErrorCodes } from '../mirror/errors.js';
import { rejectionReasons } from '../receiver/responses.js';
import { webhookBodyErrorCodes } from '../signature/body-error.js';
import { signatureErrorCodes } from '../signature/errors.js';
import { handlerTransactionErrorCodes } from '../worker/handler-tx.js';

/** The receiver's own `error` kinds; docs/errors.md lists them too (a test keeps them equal). */
export { receiverErrorKinds } from '../receiver/responses.js';

/**
 * Every stable `code`, by where it appears: thrown errors (all `WorkosInboxError`s) and HTTP error
 * bodies. docs/errors.md lists the same codes; a test keeps the two equal.
 */
export const errorCodes = {
  SignatureVerificationException: signatureErrorCodes,
  WebhookBodyError: webhookBodyErrorCodes,
  EventValidationError: eventValidationErrorCodes,
  MirrorEventError: mirrorErrorCodes,
  MirrorQueryError: ['invalid_query'],
  MirrorTablesMissingError: ['mirror_tables_missing'],
  UnknownMirrorFamilyError: ['unknown_mirror_family'],
  SdkModuleNotProvidedError: ['sdk_module_not_provided'],
  StoreUnavailableError: ['store_unavailable'],
  HandlerTransactionError: handlerTransactionErrorCodes,
  SchemaMismatchError: ['schema_mismatch'],
  MigrationFailedError: ['migration_failed'],
  InvalidEventError: ['invalid_event'],
  InvalidCursorError: ['invalid_cursor'],
  InvalidFilterError: ['invalid_filter'],
  InvalidDatabaseError: ['invalid_database'],
  DatabaseDriverMissingError: ['database_driver_missing'],
  DatabaseDriverNotBuiltError: ['database_driver_not_built'],
  InvalidPruneOptionsError: ['invalid_prune_options'],
  InvalidSchemaError: ['invalid_schema'],
  InvalidRetentionError: ['invalid_retention'],
  MigrationFolderError: ['migration_folder_invalid'],
  ConfigError: ['invalid_option', 'missing_in_production'],
  FilterError: ['invalid_filter'],
  BodyTooLargeError: ['body_too_large'],
  WorkosApiError: [
    'workos_api_error',
    'workos_api_unauthorized',
    'workos_api_not_found',
    'workos_api_bad_request',
    'workos_api_unavailable',
  ],
  PullCursorRejectedError: ['pull_cursor_rejected'],
  SinceFormatError: ['invalid_since'],
  ReconcileStoppedError: ['reconcile_stopped'],
  ReconcileScopeError: ['invalid_reconcile_scope'],
  EventsQueryError: ['invalid_request_parameters'],
  DestinationSpecError: ['invalid_destination'],
  InvalidDeliveryCursorError: ['invalid_cursor'],
  DeliveryRequestError: ['invalid_request'],
  UnknownDestinationError: ['not_found'],
  DeliveryNotFoundError: ['not_found'],
  DeliveryEventPrunedError: ['event_pruned'],
  CliError: [
    'cli_error',
    'database_unreachable',
    'event_processing',
    'event_pruned',
    'invalid_api_key',
    'invalid_api_timeout',
    'invalid_api_url',
    'invalid_events',
    'invalid_interval',
    'invalid_max_rps',
    'invalid_reconcile_scope',
    'invalid_url',
    'no_api_key',
    'no_database',
    'no_secret',
    'not_found',
    'pull_stopped',
    'puller_lease_held',
    'puller_lease_lost',
    'reconcile_lease_lost',
    'reconcile_running',
    'reconcile_stopped',
    'schema_mismatch',
    'store_unavailable',
    'unknown_event',
    'unreadable_input',
  ],
  /** Every command's `--json`: the `error` object of a failure that is a bug (exit 1). */
  'CLI: --json': ['internal_error'],
  /** `trigger --json`: the `error` beside its summary when it sent its events and failed (exit 1). */
  'CLI: trigger --json': ['not_accepted', 'trigger_stopped'],
  /** The receiver's answers (also the `reason` label of the rejection metric). */
  'HTTP: webhook receiver': [...rejectionReasons, 'internal_error'],
  'HTTP: serve and the admin API': [
    'unauthorized',
    'ip_not_allowed',
    'https_required',
    'not_found',
    'method_not_allowed',
    'invalid_request',
    'event_processing',
    'event_pruned',
    'body_too_large',
    'headers_too_large',
    'malformed_request',
    'request_timeout',
    'store_unavailable',
    'internal_error',
  ],
  /** The web dashboard's refusals (pages redirect to sign-in; these are for API-like calls). */
  'HTTP: dashboard': [
    'unauthorized',
    'csrf_invalid',
    'not_found',
    'method_not_allowed',
    'invalid_request',
    'body_too_large',
  ],
  'HTTP: mirror read API': [
    'entity_not_found',
    'invalid_request_parameters',
    'method_not_allowed',
    'mirror_tables_missing',
  ],
} as const satisfies Record<string, readonly string[]>;
