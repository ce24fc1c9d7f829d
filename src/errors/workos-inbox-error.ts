/**
 * The base of every error this package throws on purpose. `code` is a stable string (documented
 * per area in docs/errors.md); `cause` carries the underlying error when there is one. Catch
 * `WorkosInboxError` to tell this package's refusals from bugs, then switch on `code`.
 */
export class WorkosInboxError extends Error {
  override readonly name: string = 'WorkosInboxError';
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
