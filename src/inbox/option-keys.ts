import { didYouMean } from '../errors/close-matches.js';
import type { WorkerSettings } from '../worker/worker-options.js';
import type { InboxOptions } from './inbox-options.js';

/**
 * The options `createInbox` reads, checked against the type when compiled (`satisfies`), so that
 * a misspelt one (`tolerenceMs`, `worker.maxAtempts`) from plain JavaScript is refused instead of
 * silently running the default.
 */
const inboxOptionKeys = {
  database: true,
  store: true,
  secret: true,
  toleranceMs: true,
  maxBodyBytes: true,
  discardOversizeMaxBytes: true,
  discardOversizeMaxMs: true,
  retryAfterSeconds: true,
  logger: true,
  clock: true,
  random: true,
  worker: true,
  mirror: true,
  migrationSets: true,
  metricsRegistry: true,
  schema: true,
  poolSize: true,
  maxBatchSize: true,
  maxPendingAppends: true,
  maxPendingAppendBytes: true,
  sqliteThreadShare: true,
  retention: true,
  inFlightCounter: true,
  underLoad: true,
  handlersFrom: true,
} satisfies Record<keyof InboxOptions, true>;

const workerSettingKeys = {
  concurrency: true,
  leaseMs: true,
  pollIntervalMs: true,
  claimCoalesceMs: true,
  maxAttempts: true,
  backoffBaseMs: true,
  backoffCapMs: true,
  batchSize: true,
  drainBatchSize: true,
  batchBudgetMs: true,
  shareUnderLoad: true,
  minRateUnderLoad: true,
  events: true,
  workerId: true,
} satisfies Record<keyof WorkerSettings, true>;

function checkKeys(value: object, known: Record<string, true>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw new TypeError(
        `${where}: unknown option "${key}".${didYouMean(key, Object.keys(known), 3)}`,
      );
    }
  }
}

/** Refuse options `createInbox` does not know, and a `mirror` or `worker` of the wrong shape. */
export function checkInboxOptionKeys(options: InboxOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createInbox: pass an options object, e.g. { database, secret }');
  }
  checkKeys(options, inboxOptionKeys, 'createInbox');
  const { worker, mirror, secret } = options;
  if (secret !== undefined && typeof secret !== 'string' && !Array.isArray(secret)) {
    throw new TypeError(
      `createInbox: secret must be a string (or a list of strings during a rotation), got ${typeof secret}`,
    );
  }
  if (worker !== undefined) {
    if (typeof worker !== 'object' || worker === null) {
      throw new TypeError('createInbox: worker must be an object of worker settings');
    }
    checkKeys(worker, workerSettingKeys, 'createInbox worker');
  }
  if (mirror !== undefined && typeof mirror !== 'boolean' && !Array.isArray(mirror)) {
    throw new TypeError(
      `createInbox: mirror must be true, false or a list of families (['dsync']), got ${JSON.stringify(mirror)}`,
    );
  }
}
