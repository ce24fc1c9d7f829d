import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { QueryOptions, QueryResult, SqlExecutor } from '../store/sql-executor.js';

export const handlerTransactionErrorCodes = ['transaction_ended', 'query_not_awaited'] as const;
export type HandlerTransactionErrorCode = (typeof handlerTransactionErrorCodes)[number];

/**
 * A handler used its event's `ctx.tx` outside the handler: `transaction_ended` when it queries
 * after its handler returned (the query is refused), `query_not_awaited` when the handler returned
 * while a query it started still ran (the attempt fails and rolls back).
 */
export class HandlerTransactionError extends WorkosInboxError {
  override readonly name = 'HandlerTransactionError';

  constructor(
    readonly code: HandlerTransactionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The `ctx.tx` of one event's handlers, and the worker's side of it. */
export interface HandlerTx {
  readonly tx: SqlExecutor;
  /** The handlers returned: refuse every later use. Returns how many queries still run. */
  end(): number;
  /** Resolves once no query started through `tx` still runs. */
  settled(): Promise<void>;
}

/**
 * Wrap the transaction handed to an event's handlers. After its handlers return, the connection
 * goes on to serve another transaction (on PostgreSQL the pool hands the same client to the next
 * event; on SQLite the next transaction, or none, runs on it): a query through a kept `ctx.tx` would
 * run, and commit, there. So `end()` turns every later query into a `transaction_ended` rejection.
 * One flag and one counter per event: the worker's hot path pays a closure and a `then` per query.
 */
export function guardHandlerTx(tx: SqlExecutor, eventId: string): HandlerTx {
  let ended = false;
  let running = 0;
  let idle: (() => void) | undefined;
  const done = (): void => {
    if (--running === 0) idle?.();
  };
  const endedError = () =>
    new HandlerTransactionError(
      'transaction_ended',
      `ctx.tx was used after the handler for event ${eventId} returned; await every query inside the handler`,
    );
  const guarded: SqlExecutor = {
    dialect: tx.dialect,
    get native() {
      if (ended) throw endedError();
      return tx.native;
    },
    query<Row = Record<string, unknown>>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<Row>> {
      if (ended) return Promise.reject(endedError());
      const result = tx.query<Row>(sql, params, options);
      running++;
      // Registered before the caller's own `then`/`await`: an awaited query is no longer counted
      // when the handler resumes. Both callbacks, so this chain never rejects unhandled.
      result.then(done, done);
      return result;
    },
  };
  return {
    tx: guarded,
    end() {
      ended = true;
      return running;
    },
    settled() {
      if (running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => (idle = resolve));
    },
  };
}
