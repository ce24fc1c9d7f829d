import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SqliteThreadShare } from '../store/sqlite/thread-share.js';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { startThread } from '../threads/start-thread.js';
import { SchemaMismatchError, StoreUnavailableError } from '../store/types.js';
import { ConfigError } from './config.js';
import type { ServeConfig } from './config.js';
import type {
  FromWorkerThread,
  ToWorkerThread,
  WorkerThreadData,
} from './worker-thread-protocol.js';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/**
 * The thread's start error as the CLI maps errors to exit codes: a bad `--handlers` module is
 * still a usage error, an unreachable database still a database error.
 */
function threadError(name: string, message: string): Error {
  const known: Record<string, new (message: string) => Error> = {
    ConfigError,
    StoreUnavailableError,
    SchemaMismatchError,
  };
  const Class = known[name];
  return Class ? new Class(message) : Object.assign(new Error(message), { name });
}

/** `serve`'s worker (and puller, reconciler, forwarder) running in a thread of its own. */
export interface WorkerThread {
  /** The thread's metrics, to be summed with the main thread's (same names). */
  metrics(): Promise<MetricsJson>;
  /** Stop the worker gracefully (handlers finish, leases go back) and end the thread. */
  close(): Promise<void>;
}

export interface StartWorkerThreadOptions {
  config: ServeConfig;
  /** The receiver's requests in flight (a view of a SharedArrayBuffer), read by the worker's pacer. */
  inFlight: Int32Array;
  prettyLogs: boolean;
  /** SQLite: the write lock and wake-ups the thread's store shares with the main thread's. */
  sqliteThreadShare?: SqliteThreadShare;
  /** The thread ended on its own (a crash): the process cannot process events any more. */
  onCrash: (error: Error) => void;
}

/**
 * Start `work` in a worker thread of this process. Resolves once its worker runs; rejects with
 * the thread's own error when it cannot start (a bad handlers module, the database).
 */
export async function startWorkerThread(options: StartWorkerThreadOptions): Promise<WorkerThread> {
  const data: WorkerThreadData = {
    // The thread serves nothing over HTTP and is one process's worker, whatever --processes says.
    config: { ...options.config, metricsPort: undefined, processes: 1 },
    inFlight: options.inFlight,
    prettyLogs: options.prettyLogs,
    ...(options.sqliteThreadShare ? { sqliteThreadShare: options.sqliteThreadShare } : {}),
  };
  // libuv's threadpool (the whole process's fs, dns and crypto callbacks) starts its threads from
  // the thread that first queues work to it, and they inherit that thread's nice value: start them
  // here, before the worker thread lowers its own (--worker-nice).
  await access(fileURLToPath(import.meta.url));
  const thread = startThread('worker-thread-entry', import.meta.url, data);
  const send = (message: ToWorkerThread) => thread.postMessage(message);
  const pending = new Map<number, (metrics: MetricsJson) => void>();
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', () => {
      alive = false;
      for (const answer of pending.values()) answer([]);
      resolve();
    }),
  );
  let closing = false;
  let nextId = 0;
  const closed = new Promise<void>((resolve) => {
    thread.on('message', (message: FromWorkerThread) => {
      if (message.type === 'metrics') pending.get(message.id)?.(message.metrics);
      else if (message.type === 'closed') resolve();
    });
  });
  const started = new Promise<void>((resolve, reject) => {
    const onMessage = (message: FromWorkerThread) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'start-failed') {
        reject(threadError(message.name, message.message));
      }
    };
    thread.on('message', onMessage);
    thread.once('error', reject);
    thread.once('exit', (code) =>
      reject(new Error(`the worker thread ended (exit code ${code}) before it started`)),
    );
  });
  await started;
  thread.on('error', (error) => {
    if (!closing) options.onCrash(error);
  });
  thread.on('exit', (code) => {
    if (!closing) options.onCrash(new Error(`the worker thread ended (exit code ${code})`));
  });
  return {
    metrics() {
      if (!alive) return Promise.resolve([]);
      const id = nextId++;
      return new Promise<MetricsJson>((resolve) => {
        pending.set(id, (metrics) => {
          pending.delete(id);
          resolve(metrics);
        });
        send({ type: 'metrics', id });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      if (!alive) return;
      send({ type: 'close' });
      await Promise.race([closed, exited]);
      await exited;
    },
  };
}
