/**
 * The base of every error this package throws on purpose. `code` is a stable string (every code
 * is listed in docs/errors.md); `cause` carries the underlying error when there is one. Catch
 * `WorkosInboxError` to tell this package's refusals from bugs, then switch on `code`.
 *
 * `SignatureVerificationException` is one too, and keeps the official SDK's class name and
 * messages.
 */
export abstract class WorkosInboxError extends Error {
  abstract readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}
