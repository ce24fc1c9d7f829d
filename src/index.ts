// The package's main entry. Each area adds its public exports here.
export { SignatureVerificationException, signatureErrorCodes } from './signature/errors.js';
export type { SignatureErrorCode } from './signature/errors.js';
export { signatureHeader, computeSignatureSync } from './signature/sign.js';
export type { Clock } from './clock.js';
export { StoreUnavailableError, SchemaMismatchError } from './store/types.js';
export type * from './store/types.js';
export type { SqlExecutor, Dialect, QueryResult } from './store/sql-executor.js';
export {
  checkEnvelope,
  deserializeEvent,
  EventValidationError,
  eventValidationErrorCodes,
} from './events/index.js';
export type {
  Event,
  EventName,
  WireEvent,
  EventValidationErrorCode,
  EventFieldIssue,
} from './events/index.js';
