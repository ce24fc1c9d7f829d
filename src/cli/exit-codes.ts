import { WorkosInboxError } from '../errors/workos-inbox-error.js';

/**
 * The command's exit codes (documented in docs/cli.md). Scripts and CI rely on them.
 */
export const exitCodes = {
  /** Done; for `verify`, the signature is valid. */
  ok: 0,
  /**
   * The operation ran and failed: an invalid signature, a trigger with non-2xx answers, a listen
   * stopped with an event not delivered or refused, an unexpected error.
   */
  failed: 1,
  /** Wrong usage or configuration: unknown flag or event name, bad value, production without a secret. */
  usage: 2,
  /** The database cannot be reached, or its schema does not match this build (run `migrate`). */
  database: 3,
  /** The event, user, group, destination or delivery asked for does not exist. */
  notFound: 4,
  /**
   * Busy or in the way: `events replay`, the event is being processed right now (or was pruned);
   * `pull`, another process holds the Events API puller lease (or took it during the pull);
   * `reconcile`, another reconcile is running on the database (or took over during this one).
   */
  conflict: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** WorkOS asked (`Retry-After`) to wait longer than the client waits: when to run it again. */
export interface RetryAfter {
  retryAfterMs: number;
  /** The time (ISO 8601) to run the command again after. */
  retryAt?: string;
}

/** An error the CLI reports as one line and an exit code (no stack trace). */
export class CliError extends WorkosInboxError {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  readonly code: string;
  /** Set when the command failed because WorkOS asked to wait: `--json` prints it. */
  readonly retryAfter: RetryAfter | undefined;

  constructor(
    message: string,
    exitCode: ExitCode,
    code = 'cli_error',
    options?: ErrorOptions & { retryAfter?: RetryAfter | undefined },
  ) {
    super(message, options);
    this.exitCode = exitCode;
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }
}
