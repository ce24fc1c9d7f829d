/**
 * Every default of workos-inbox, stated once.
 *
 * The `serve` / `work` flags, their environment variables, `--help`, the library options that
 * take the same setting (`createInbox`, `createReceiver`, `createWorker`, the stores, the Events
 * API client …) and the configuration tables of README.md, docs/cli.md and docs/inbox.md all read
 * this table; test/docs/defaults-tables.test.ts fails when a table in the docs differs from it, and
 * test/defaults.test.ts fails when a default is written anywhere else in `src/`.
 *
 * How to add a setting:
 * 1. Add an entry below. `value` is what applies when nothing is given (`undefined`: none/off);
 *    give `unit` for numbers, `shown` only when the value alone does not tell a reader the default
 *    (e.g. "development: generated").
 * 2. A `serve` / `work` flag: give `flag` (as typed, e.g. `--reconcile-every <duration>`; commander
 *    names the setting after it, so the entry's key must be its camelCase name, e.g.
 *    `reconcileEvery`), `env`, `description` (one line for `--help`) and, if longer, `docs`
 *    (markdown for docs/cli.md); `command: 'serve'` or `'work'` when only one of them takes it;
 *    `readme: true` to list it in the README's short table. `resolveServeConfig` reads the value
 *    with `defaults.<key>.value`.
 * 3. A library option: list where it is set in `options` (e.g. `InboxOptions.worker.concurrency`)
 *    and read `defaults.<key>.value` where the option is resolved; its TSDoc says
 *    `@defaultValue see {@link defaults}` (the number is never written a second time).
 * 4. Regenerate the docs' tables: `npm run docs:defaults`.
 */
export interface DefaultEntry {
  /** What applies when nothing is given; `undefined`: none (off, or it must be given). */
  readonly value: string | number | boolean | undefined;
  /** What a number counts. */
  readonly unit?: 'ms' | 's' | 'bytes' | 'count' | 'fraction' | 'port' | 'duration';
  /** How help and docs show the default when `value` alone does not say it. */
  readonly shown?: string;
  /** `host` only: the value under `NODE_ENV=production`. */
  readonly production?: string;
  /** The `serve` / `work` flag as typed on the command line, e.g. `--port <number>`. */
  readonly flag?: string;
  /** The environment variable of `flag`. */
  readonly env?: string;
  /** Only this command takes the flag (default: both `serve` and `work`). */
  readonly command?: 'serve' | 'work';
  /** The flag may be given several times; the values are joined with commas. */
  readonly repeatable?: boolean;
  /** Also listed in the README's short configuration table. */
  readonly readme?: boolean;
  /** Library options (as `Interface.path`) and flags of other commands that take this default. */
  readonly options?: readonly string[];
  /** One line: `--help`, and the docs when `docs` is not given. */
  readonly description: string;
  /** Markdown for the docs' tables, when it says more than `description`. */
  readonly docs?: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

export const defaults = {
  // ── serve / work flags (docs/cli.md "Configuration", in this order) ──────────────────────────
  port: {
    value: 3000,
    unit: 'port',
    flag: '--port <number>',
    env: 'PORT',
    command: 'serve',
    readme: true,
    description: 'TCP port to listen on (0 picks a free one)',
    docs: 'TCP port (0 picks a free one)',
  },
  host: {
    value: '127.0.0.1',
    production: '0.0.0.0',
    flag: '--host <address>',
    env: 'HOST',
    readme: true,
    description: 'address to bind (serve; work with --metrics-port)',
    docs: 'address to bind (`work`: of `--metrics-port`; typed without it, exit 2)',
  },
  database: {
    value: undefined,
    shown: '`.workos-inbox/inbox.db`',
    flag: '--database <url-or-path>',
    env: 'DATABASE_URL',
    readme: true,
    description: 'a postgres:// URL or a SQLite file path',
    docs: 'a `postgres://` URL or a SQLite file path (default: `inbox.db` in `--data-dir`); a URL of any other scheme, or `postgres:` without `//`, is refused (exit 2), not taken for a file name; `postgres://` alone takes the rest from `PGHOST`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`',
  },
  dataDir: {
    value: '.workos-inbox',
    flag: '--data-dir <path>',
    env: 'WORKOS_INBOX_DATA_DIR',
    description: 'folder for the default SQLite file and the development secret and token',
    options: ['listen --data-dir'],
    docs: 'folder of the default SQLite file and the development secret and token',
  },
  secret: {
    value: undefined,
    shown: 'development: generated',
    flag: '--secret <secrets>',
    env: 'WORKOS_WEBHOOK_SECRET',
    command: 'serve',
    readme: true,
    description: 'webhook secret; comma-separated to accept several during rotation',
    docs: 'webhook secret; comma-separated to accept several while rotating (development: generated and kept in the data folder)',
  },
  adminToken: {
    value: undefined,
    shown: 'development: generated',
    flag: '--admin-token <token>',
    env: 'WORKOS_INBOX_ADMIN_TOKEN',
    command: 'serve',
    readme: true,
    description: 'bearer token for /inbox and the directory read API',
    docs: 'bearer token for `/inbox/*` and the directory read API (16 characters at least in production)',
  },
  path: {
    value: '/webhooks/workos',
    flag: '--path <path>',
    env: 'WORKOS_INBOX_PATH',
    command: 'serve',
    readme: true,
    description: 'URL path of the webhook endpoint',
    options: ['FastifyPluginOptions.path'],
  },
  toleranceMs: {
    value: 3 * minute,
    unit: 'ms',
    flag: '--tolerance-ms <ms>',
    env: 'WORKOS_INBOX_TOLERANCE_MS',
    command: 'serve',
    readme: true,
    description: 'maximum signature age, as in the official SDK',
    options: [
      'InboxOptions.toleranceMs',
      'ReceiverOptions.toleranceMs',
      'VerifierOptions.toleranceMs',
      'VerifySignatureOptions.toleranceMs',
      'VerifierOptions.toleranceMs (workos-inbox/web)',
      'VerifySignatureOptions.toleranceMs (workos-inbox/web)',
      'WebhookVerifyOptions.tolerance',
      'verify --tolerance-ms',
    ],
  },
  handlers: {
    value: undefined,
    flag: '--handlers <module>',
    env: 'WORKOS_INBOX_HANDLERS',
    readme: true,
    description: 'module exporting event name → async function (default or named exports)',
    docs: 'your handlers module (event name → async function)',
  },
  worker: {
    value: true,
    shown: 'worker on',
    flag: '--no-worker',
    env: 'WORKOS_INBOX_WORKER',
    command: 'serve',
    readme: true,
    description: 'receive only; leave processing to `workos-inbox work` processes',
    docs: 'receive only (`WORKOS_INBOX_WORKER=false`); leave processing to `workos-inbox work` processes; the flags of processing typed beside it exit 2 (see [below](#serve---no-worker-and-the-flags-of-processing))',
  },
  workerThread: {
    value: true,
    shown: 'on',
    flag: '--no-worker-thread',
    env: 'WORKOS_INBOX_WORKER_THREAD',
    command: 'serve',
    readme: true,
    description: "run the worker on serve's main thread instead of a worker thread of its own",
    docs: "run the worker (and `--pull`, `--reconcile-every`, `--forward-to`) on `serve`'s main thread instead of a worker thread of its own (`WORKOS_INBOX_WORKER_THREAD=false`)",
  },
  workerNice: {
    value: 10,
    unit: 'count',
    flag: '--worker-nice <n>',
    env: 'WORKOS_INBOX_WORKER_NICE',
    command: 'serve',
    description:
      "Linux: the nice value (0-19) of serve's worker thread, so that answering requests gets a core first when both want one (0: the same priority)",
    docs: "Linux: the nice value (0–19) of `serve`'s worker thread (the worker, `--pull`, `--reconcile-every`, `--forward-to`), so that answering requests gets a core first when both want one; 0 keeps the same priority. Other systems, and `--no-worker-thread`, ignore it (see [inbox.md](inbox.md#receiving-comes-first))",
  },
  dashboard: {
    value: true,
    shown: 'dashboard on',
    flag: '--no-dashboard',
    env: 'WORKOS_INBOX_DASHBOARD',
    command: 'serve',
    readme: true,
    description: 'do not serve the web dashboard at / (sign-in with the admin token)',
    docs: 'do not serve the web dashboard at `/` (`WORKOS_INBOX_DASHBOARD=false`; [docs/dashboard.md](dashboard.md))',
  },
  processes: {
    value: 1,
    unit: 'count',
    flag: '--processes <n>',
    env: 'WORKOS_INBOX_PROCESSES',
    readme: true,
    description: 'run N processes with node:cluster ("auto" = one per core)',
    docs: 'N processes with node:cluster; `auto` = one per core',
  },
  tlsCert: {
    value: undefined,
    flag: '--tls-cert <file>',
    env: 'WORKOS_INBOX_TLS_CERT',
    command: 'serve',
    readme: true,
    description: 'PEM certificate: serve HTTPS natively',
  },
  tlsKey: {
    value: undefined,
    flag: '--tls-key <file>',
    env: 'WORKOS_INBOX_TLS_KEY',
    command: 'serve',
    readme: true,
    description: 'PEM private key for --tls-cert',
    docs: 'PEM private key of `--tls-cert`',
  },
  trustProxy: {
    value: false,
    flag: '--trust-proxy',
    env: 'WORKOS_INBOX_TRUST_PROXY',
    command: 'serve',
    readme: true,
    description: 'trust X-Forwarded-Proto / X-Forwarded-For from one proxy hop',
    docs: 'trust `X-Forwarded-Proto` and `X-Forwarded-For` from one proxy hop',
  },
  allowIp: {
    value: undefined,
    shown: 'any',
    flag: '--allow-ip <addresses>',
    env: 'WORKOS_INBOX_ALLOW_IP',
    command: 'serve',
    readme: true,
    description: 'comma-separated sender addresses allowed on the webhook path',
    docs: 'comma-separated senders allowed on the webhook path (others get 403)',
  },
  maxBodyBytes: {
    value: 1 * MiB,
    unit: 'bytes',
    flag: '--max-body-bytes <n>',
    env: 'WORKOS_INBOX_MAX_BODY_BYTES',
    command: 'serve',
    description: 'larger webhook bodies get 413',
    options: ['InboxOptions.maxBodyBytes', 'ReceiverOptions.maxBodyBytes'],
  },
  maxHeaderBytes: {
    value: 16 * KiB,
    unit: 'bytes',
    flag: '--max-header-bytes <n>',
    env: 'WORKOS_INBOX_MAX_HEADER_BYTES',
    command: 'serve',
    description: 'larger request headers get 431',
  },
  requestTimeoutMs: {
    value: 30 * second,
    unit: 'ms',
    flag: '--request-timeout-ms <ms>',
    env: 'WORKOS_INBOX_REQUEST_TIMEOUT_MS',
    command: 'serve',
    description: 'a request must arrive completely within this time, else 408',
  },
  headersTimeoutMaxMs: {
    value: 1 * minute,
    unit: 'ms',
    description:
      "a request's headers must arrive within this long, or `requestTimeoutMs` if shorter (else 408)",
  },
  keepAliveTimeoutMs: {
    value: 5 * second,
    unit: 'ms',
    description: "an idle keep-alive connection is closed after this long (node:http's default)",
  },
  shutdownTimeoutMs: {
    value: 30 * second,
    unit: 'ms',
    flag: '--shutdown-timeout-ms <ms>',
    env: 'WORKOS_INBOX_SHUTDOWN_TIMEOUT_MS',
    description: 'on SIGTERM, wait this long for requests and handlers to finish',
    options: ['Worker.stop({ timeoutMs })'],
  },
  maxAttempts: {
    value: 10,
    unit: 'count',
    flag: '--max-attempts <n>',
    env: 'WORKOS_INBOX_MAX_ATTEMPTS',
    description: 'attempts before an event is dead (the first one included)',
    options: ['WorkerSettings.maxAttempts'],
  },
  backoffBaseMs: {
    value: 1 * second,
    unit: 'ms',
    flag: '--backoff-base-ms <ms>',
    env: 'WORKOS_INBOX_BACKOFF_BASE_MS',
    description: 'retry n waits a random time below min(cap, base × 2^(n-1)) (full jitter)',
    options: ['WorkerSettings.backoffBaseMs'],
  },
  backoffCapMs: {
    value: 1 * hour,
    unit: 'ms',
    flag: '--backoff-cap-ms <ms>',
    env: 'WORKOS_INBOX_BACKOFF_CAP_MS',
    description: 'longest wait between two attempts',
    options: ['WorkerSettings.backoffCapMs'],
  },
  workerConcurrency: {
    value: 8,
    unit: 'count',
    flag: '--worker-concurrency <n>',
    env: 'WORKOS_INBOX_WORKER_CONCURRENCY',
    description: 'events processed at the same time by each process',
    docs: "events processed at the same time by each process (on SQLite, handlers run one at a time: each runs in its event's write transaction)",
    options: ['WorkerSettings.concurrency'],
  },
  workerShare: {
    value: undefined,
    unit: 'fraction',
    shown: '0.05 on SQLite, 0.25 on PostgreSQL',
    flag: '--worker-share <fraction>',
    env: 'WORKOS_INBOX_WORKER_SHARE',
    command: 'serve',
    description:
      'while requests are in flight, the most of its time the worker spends processing (1: never yield)',
    docs: 'while requests are in flight, the most of its time the worker spends claiming and completing (1: never yield to requests; see [inbox.md](inbox.md#receiving-comes-first))',
    options: ['WorkerSettings.shareUnderLoad'],
  },
  sqliteWorkerShare: {
    value: 0.05,
    unit: 'fraction',
    description:
      "`workerShare` on SQLite, where the claim and the mirror's writes run on the event loop and hold the write lock",
  },
  postgresWorkerShare: {
    value: 0.25,
    unit: 'fraction',
    description:
      '`workerShare` on PostgreSQL, where part of the active time is spent waiting for the server while the event loop answers requests',
  },
  workerMinRate: {
    value: 1000,
    unit: 'count',
    shown: '1000 events/s',
    flag: '--worker-min-rate <events/s>',
    env: 'WORKOS_INBOX_WORKER_MIN_RATE',
    command: 'serve',
    description:
      'while requests are in flight, the worker still processes at least this many events per second if it can (0: the share alone decides)',
    docs: 'while requests are in flight, the worker still processes at least this many events per second if it can, resting less than `--worker-share` asks where needed (0: the share alone decides; see [inbox.md](inbox.md#receiving-comes-first))',
    options: ['WorkerSettings.minRateUnderLoad'],
  },
  claimCoalesceMs: {
    value: 10,
    unit: 'ms',
    flag: '--claim-coalesce-ms <ms>',
    env: 'WORKOS_INBOX_CLAIM_COALESCE_MS',
    description:
      'once the worker (or a forwarding destination) has caught up, its next claim waits until this long after the last one, so events appended meanwhile are applied (or delivered) together (0: claim at every wake-up)',
    docs: 'once the worker has caught up (a claim found fewer events than it asked for), its next claim waits until this long after the last one began, so the events appended meanwhile are claimed and applied together; a sparse event is claimed at once, a backlog never waits (0: claim at every wake-up; see [inbox.md](inbox.md#the-worker)). Each unordered forwarding destination does the same with its deliveries ([forward.md](forward.md#guarantees))',
    options: ['WorkerSettings.claimCoalesceMs', 'ForwarderOptions.claimCoalesceMs'],
  },
  leaseMs: {
    value: 30 * second,
    unit: 'ms',
    flag: '--lease-ms <ms>',
    env: 'WORKOS_INBOX_LEASE_MS',
    description: "how soon a crashed worker's events are taken by another",
    docs: "how soon a crashed worker's events (and a dead process's `--pull` lease) go to another",
    options: ['WorkerSettings.leaseMs', 'PullLoopOptions.leaseMs'],
  },
  poolSize: {
    value: 10,
    unit: 'count',
    flag: '--pool-size <n>',
    env: 'WORKOS_INBOX_POOL_SIZE',
    description:
      "PostgreSQL connections per pool (budget: processes × pool size < max_connections; serve's worker thread has a pool of its own)",
    docs: "PostgreSQL connections per pool; one pool per process, two for `serve` with its worker thread (receiving, processing); keep the pools × pool size (+1 each for LISTEN) under the server's `max_connections`",
    options: ['InboxOptions.poolSize', 'StoreOptions.poolSize'],
  },
  metricsPort: {
    value: undefined,
    unit: 'port',
    flag: '--metrics-port <number>',
    env: 'WORKOS_INBOX_METRICS_PORT',
    command: 'work',
    description: 'work: serve /healthz, /readyz and /metrics on this port',
    docs: 'serve `/healthz`, `/readyz` and `/metrics` on this port (bound to `--host`)',
  },
  logLevel: {
    value: 'info',
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  retention: {
    value: undefined,
    unit: 'duration',
    shown: 'off',
    flag: '--retention <duration>',
    env: 'WORKOS_INBOX_RETENTION',
    description:
      'prune the payload and attempts of done events received longer ago (30d, 12h); ids stay for dedup',
    docs: 'prune, in the background of every process that runs the worker (`work`, `serve` without `--no-worker`, where typed it exits 2), the payload and attempts of done events received longer ago (`30d`, `12h`; a minute at least; in the library `retention: { olderThanMs }`, in ms); ids, names and times stay, so redeliveries stay duplicates (see [store.md](store.md#retention))',
    options: ['RetentionSettings.olderThanMs', 'InboxOptions.retention'],
  },
  retentionInterval: {
    value: undefined,
    unit: 'duration',
    shown: 'a tenth of `--retention`, between 1m and 1h',
    flag: '--retention-interval <duration>',
    env: 'WORKOS_INBOX_RETENTION_INTERVAL',
    description: 'with --retention: time between two prune runs (a second or more)',
    docs: 'with `--retention`: time between two prune runs of a process (`10m`, `1h`; a second or more)',
    options: ['RetentionSettings.intervalMs'],
  },
  retentionIntervalMinMs: {
    value: minute,
    unit: 'ms',
    description: 'retention without --retention-interval: a prune run at most this often',
    options: ['RetentionSettings.intervalMs'],
  },
  retentionIntervalMaxMs: {
    value: hour,
    unit: 'ms',
    description: 'retention without --retention-interval: a prune run at least this often',
    options: ['RetentionSettings.intervalMs'],
  },
  maxPendingAppends: {
    value: 10_000,
    unit: 'count',
    flag: '--max-pending-appends <n>',
    env: 'WORKOS_INBOX_MAX_PENDING_APPENDS',
    command: 'serve',
    description: 'webhooks waiting for a commit, at most; past it new ones get 503 + Retry-After',
    docs: 'webhooks waiting for the database to commit, at most; past it new ones get 503 + `Retry-After`, so memory stays bounded while the database stalls',
    options: ['InboxOptions.maxPendingAppends', 'StoreOptions.maxPendingAppends'],
  },
  eventsApiHoldBackMs: {
    // WorkOS does the same: its Events API holds new events back from ascending cursor reads for
    // a few seconds (workos-node-sdk.md, "Cursor caveat"). An event's place in our list is its
    // `received_at`, stamped before its commit; see src/events-api/list-inbox-events.ts.
    value: 5 * second,
    unit: 'ms',
    flag: '--events-api-hold-back-ms <ms>',
    env: 'WORKOS_INBOX_EVENTS_API_HOLD_BACK_MS',
    command: 'serve',
    description:
      'GET /events in ascending order lists only events received at least this long ago, so a cursor never passes one still committing',
    docs: '`GET /events` with `order=asc` lists only events received at least this long ago, as WorkOS holds new events back from cursor reads: an event whose commit comes after a later-received one is then not stepped over by a client paging with `after` (0 turns it off; see the [README](../README.md#webhooks-and-the-events-api-together))',
    options: ['EventsApiOptions.holdBackMs'],
  },
  pull: {
    value: false,
    flag: '--pull',
    env: 'WORKOS_INBOX_PULL',
    description: "also pull WorkOS's Events API continuously (one process at a time pulls)",
    docs: "also pull WorkOS's Events API continuously; with several processes one pulls at a time (a lease in the database, taken over `--lease-ms` after its holder dies)",
  },
  pullIntervalMs: {
    value: 5 * second,
    unit: 'ms',
    flag: '--pull-interval-ms <ms>',
    env: 'WORKOS_INBOX_PULL_INTERVAL_MS',
    description: 'with --pull: pause between catch-ups',
    docs: 'with `--pull`: pause between catch-ups',
    options: ['PullLoopOptions.intervalMs'],
  },
  reconcileEvery: {
    value: undefined,
    unit: 'duration',
    shown: 'off',
    flag: '--reconcile-every <duration>',
    env: 'WORKOS_INBOX_RECONCILE_EVERY',
    description:
      "reconcile the mirror with WorkOS's state this often (24h, 6h; a minute or more), one process at a time",
    docs: "reconcile the mirror with WorkOS's state this often (`24h`, `6h`; a minute or more); one process at a time (a lease in the database); needs `WORKOS_API_KEY`",
  },
  reconcileLookAgainMs: {
    value: minute,
    unit: 'ms',
    description:
      'periodic reconcile: look at the lease at least this often (another process may have stopped)',
    options: ['ReconcileLoopOptions.everyMs'],
  },
  reconcileLeaseMs: {
    value: 30 * second,
    unit: 'ms',
    description:
      'reconcile, periodic or the `reconcile` command: how long its lease lasts unrenewed during a run (renewed after each page and every third of it between pages)',
    options: ['ReconcileLoopOptions.leaseMs'],
  },
  reconcileClockMarginMs: {
    value: 60 * second,
    unit: 'ms',
    description:
      "reconcile: the snapshot's start is taken this long before now (a clock ahead of WorkOS's cannot make a row created during the scan look older)",
    options: ['ReconcileOptions.clockMarginMs'],
  },
  reconcilePagesPerTransaction: {
    value: 25,
    unit: 'count',
    description:
      'reconcile: list pages (100 objects each) compared and written per transaction, each group read before its transaction begins',
    options: ['ReconcileOptions.pagesPerTransaction'],
  },
  reconcileTransactionsInFlight: {
    value: 2,
    unit: 'count',
    description:
      "reconcile on PostgreSQL: groups of pages written at once, each in its own transaction (the server's work on one overlaps the comparison of the next; SQLite has one writer, so 1 there)",
    options: ['ReconcileOptions.transactionsInFlight'],
  },
  reconcileGroupReadMs: {
    value: 2 * second,
    unit: 'ms',
    description:
      'reconcile: a group of pages stops growing once reading it took this long (progress and the lease renewal are never held back longer)',
    options: ['ReconcileOptions.groupReadMs'],
  },
  pullSince: {
    value: 'now',
    flag: '--pull-since <when>',
    env: 'WORKOS_INBOX_PULL_SINCE',
    description: 'with --pull, first start only: now, 30m, 12h, 7d or an ISO date',
    docs: 'with `--pull`, first start only (no cursor yet): `now`, `30m`, `12h`, `7d` or an ISO date',
    options: ['PullerOptions.since', 'pull --since', 'listen --since'],
  },
  apiKey: {
    value: undefined,
    flag: '--api-key <key>',
    env: 'WORKOS_API_KEY',
    description: 'WorkOS API key (sk_…), needed by --pull',
    docs: 'WorkOS API key (`sk_…`); `--pull` needs it',
    options: ['WorkosApiOptions.apiKey'],
  },
  apiUrl: {
    value: 'https://api.workos.com',
    flag: '--api-url <url>',
    env: 'WORKOS_API_URL',
    description: 'WorkOS API base URL',
    options: ['WorkosApiOptions.apiUrl', 'pull --api-url', 'listen --api-url'],
  },
  apiTimeoutMs: {
    value: 30 * second,
    unit: 'ms',
    flag: '--api-timeout-ms <ms>',
    env: 'WORKOS_API_TIMEOUT_MS',
    description:
      'WorkOS API: give up on one request (its answer included) after this long, then retry (--pull, --reconcile-every)',
    docs: 'WorkOS API (`--pull`, `--reconcile-every`): give up on one request, its answer included, after this long; it counts as no answer and is retried with backoff',
    options: [
      'WorkosApiOptions.timeoutMs',
      'pull --api-timeout-ms',
      'reconcile --api-timeout-ms',
      'listen --api-timeout-ms',
    ],
  },
  forwardTo: {
    value: undefined,
    flag: '--forward-to <destination>',
    env: 'WORKOS_INBOX_FORWARD_TO',
    repeatable: true,
    description:
      'deliver every event to this endpoint, re-signed (repeatable; URL;events=dsync.*;secret=env:VAR;timeout=5s … see docs/forward.md)',
    docs: 'deliver every event to this endpoint, re-signed; repeatable (the variable: comma-separated); `URL;events=dsync.*;secret=env:VAR;timeout=5s;concurrency=4;rate=50;ordered;name=app` (see [forward.md](forward.md))',
  },
  forwardOrdered: {
    value: false,
    flag: '--forward-ordered',
    env: 'WORKOS_INBOX_FORWARD_ORDERED',
    description:
      "deliver one directory object's events one at a time, in created_at order (per destination: ordered=)",
    docs: "deliver one directory object's events one at a time, in `created_at` order (per destination: `ordered`)",
    options: ['Destination.ordered'],
  },
  forwardTimeoutMs: {
    value: 10 * second,
    unit: 'ms',
    flag: '--forward-timeout-ms <ms>',
    env: 'WORKOS_INBOX_FORWARD_TIMEOUT_MS',
    description: 'one delivery attempt may take this long (per destination: timeout=)',
    docs: 'one delivery attempt may take this long (per destination: `timeout=`)',
    options: ['Destination.timeoutMs', 'ListenOptions.timeoutMs'],
  },
  forwardConcurrency: {
    value: 4,
    unit: 'count',
    flag: '--forward-concurrency <n>',
    env: 'WORKOS_INBOX_FORWARD_CONCURRENCY',
    description: 'deliveries in flight per destination and process (per destination: concurrency=)',
    docs: 'deliveries in flight per destination and process (per destination: `concurrency=`)',
    options: ['Destination.concurrency'],
  },
  forwardMaxAttempts: {
    // Sized with retryWindowMs (src/worker/backoff.ts) and the backoff's defaults so that a
    // destination down for a day keeps its deliveries: docs/forward.md states the window and
    // test/forward/retry-window.test.ts checks both against this value.
    value: 80,
    unit: 'count',
    flag: '--forward-max-attempts <n>',
    env: 'WORKOS_INBOX_FORWARD_MAX_ATTEMPTS',
    description:
      'attempts before a delivery is dead, the first included (per destination: max-attempts=)',
    docs: 'attempts before a delivery is dead, the first one included; sized so a destination down for a day keeps its deliveries (per destination: `max-attempts=`; see [forward.md](forward.md#how-long-a-destination-may-be-down))',
    options: ['Destination.maxAttempts'],
  },

  // ── library options only (docs/inbox.md "Defaults") ──────────────────────────────────────────
  discardOversizeMaxBytes: {
    value: 16 * MiB,
    unit: 'bytes',
    description: 'after a body over the limit, bytes read and thrown away before answering 413',
    options: ['InboxOptions.discardOversizeMaxBytes', 'ReceiverOptions.discardOversizeMaxBytes'],
  },
  discardOversizeMaxMs: {
    value: 10 * second,
    unit: 'ms',
    description: 'time spent discarding an oversized body before the connection is cut',
    options: ['InboxOptions.discardOversizeMaxMs', 'ReceiverOptions.discardOversizeMaxMs'],
  },
  retryAfterSeconds: {
    value: 5,
    unit: 's',
    description: '`Retry-After` sent with 503 answers, so WorkOS retries soon',
    options: ['InboxOptions.retryAfterSeconds', 'ReceiverOptions.retryAfterSeconds'],
  },
  pollIntervalMs: {
    value: 1 * second,
    unit: 'ms',
    description: 'the worker looks for due events this often when no wake-up arrives',
    options: ['WorkerSettings.pollIntervalMs'],
  },
  batchBudgetMs: {
    value: 10,
    unit: 'ms',
    description:
      'a batch of completions starts no further event after this long (the SQLite write lock stays short)',
    options: ['WorkerSettings.batchBudgetMs'],
  },
  batchSize: {
    value: undefined,
    unit: 'count',
    shown:
      '`batchingBatchSize` with batching handlers (the mirror); else `concurrency` on SQLite, 1 on PostgreSQL',
    description: 'events completed in one transaction',
    options: ['WorkerSettings.batchSize'],
  },
  batchingBatchSize: {
    value: 64,
    unit: 'count',
    description:
      'events of one directory applied in one transaction when the handlers batch (the built-in mirror)',
    options: ['WorkerSettings.batchSize (with batching handlers)'],
  },
  drainBatchSize: {
    value: 256,
    unit: 'count',
    description:
      "on SQLite with batching handlers, events applied in the claim's own transaction while nothing else waits for the write lock (else `batchSize`)",
    options: ['WorkerSettings.drainBatchSize'],
  },
  postgresClaimBatches: {
    value: 4,
    unit: 'count',
    description:
      'on PostgreSQL with batching handlers, a claim takes up to this many batches (one chain per directory, run in order)',
  },
  workerMaxRestMs: {
    value: 250,
    unit: 'ms',
    description:
      'while requests are in flight, the longest rest the worker takes between two batches',
    options: ['PacerOptions.maxRestMs'],
  },
  completeManyMaxItems: {
    value: 64,
    unit: 'count',
    description: '`Store.completeMany`: items at most in one transaction',
    options: ['CompleteManyOptions.maxItems'],
  },
  completeManyBudgetMs: {
    value: 10,
    unit: 'ms',
    description: '`Store.completeMany`: start no further item after this long',
    options: ['CompleteManyOptions.budgetMs'],
  },
  leaseReleaseTimeoutMs: {
    value: 2 * second,
    unit: 'ms',
    description:
      'after its handlers, a stopping worker gives back its leases within this long, and within what is left of its stop timeout (at least 100 ms)',
  },
  maxBatchSize: {
    value: 512,
    unit: 'count',
    description: 'group commit: at most this many appended events per transaction',
    options: ['InboxOptions.maxBatchSize', 'StoreOptions.maxBatchSize'],
  },
  maxPendingAppendBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    description: 'body bytes waiting for a commit, at most; past it appends get 503',
    options: ['InboxOptions.maxPendingAppendBytes', 'StoreOptions.maxPendingAppendBytes'],
  },
  schema: {
    value: undefined,
    shown: "the database's `search_path` (usually `public`)",
    flag: '--schema <name>',
    env: 'WORKOS_INBOX_SCHEMA',
    description:
      'PostgreSQL schema of the inbox tables, created if missing (several inboxes in one database)',
    docs: "PostgreSQL: the schema that holds the inbox's tables (created by `migrate` and at start when missing), so several inboxes can share one database; a plain identifier (letters, digits, underscore; capitals kept). Refused with a SQLite file",
    options: ['InboxOptions.schema', 'StoreOptions.schema'],
  },
  connectTimeoutMs: {
    value: 2 * second,
    unit: 'ms',
    description: 'PostgreSQL: give up connecting after this long (StoreUnavailableError)',
    options: ['StoreOptions.connectTimeoutMs'],
  },
  busyTimeoutMs: {
    value: 30 * second,
    unit: 'ms',
    description:
      'SQLite: wait this long for the write lock before failing with StoreUnavailableError',
    options: ['StoreOptions.busyTimeoutMs'],
  },
  writeLockNoticeMs: {
    value: 2 * second,
    unit: 'ms',
    // Read by every database command (no flag): tests set it to 0.
    env: 'WORKOS_INBOX_LOCK_NOTICE_MS',
    description:
      'SQLite: a write that has waited this long for the write lock another process holds calls `onWriteLockWait` (the CLI says so on stderr), then waits on',
    options: ['StoreOptions.writeLockNoticeMs'],
  },
  sqliteReaders: {
    value: 4,
    unit: 'count',
    description:
      'SQLite: read-only connections for lists, counts and the read API (one writer besides)',
  },
  sqliteReaderBusyTimeoutMaxMs: {
    value: 5 * second,
    unit: 'ms',
    description:
      'SQLite: a read waits this long for a lock at most (or `busyTimeoutMs` if shorter)',
  },
  pruneBatchSize: {
    value: 100,
    unit: 'count',
    description: 'retention: events deleted per statement',
    options: ['PruneOptions.batchSize', 'events prune --batch-size'],
  },
  pruneBudgetMs: {
    value: 5,
    unit: 'ms',
    description: 'retention: a prune transaction starts no further batch after this long',
    options: ['PruneOptions.budgetMs', 'events prune --budget-ms'],
  },
  apiMaxRetries: {
    value: 5,
    unit: 'count',
    description: 'Events API client: retries after a 429, a 5xx or no answer',
    options: ['WorkosApiOptions.maxRetries'],
  },
  apiRetryBaseMs: {
    value: 500,
    unit: 'ms',
    description: 'Events API client: first backoff; doubles per retry, with jitter',
    options: ['WorkosApiOptions.retryBaseMs'],
  },
  apiRetryMaxMs: {
    value: 1 * minute,
    unit: 'ms',
    description:
      "Events API client: longest wait between two attempts, `Retry-After` included; a longer `Retry-After` is not waited out: the request fails at once, naming the wait and when to try again (`serve --pull` pauses pulling until then, `--reconcile-every` its run, `listen` its reads; the pause of pulling and reconciling is kept in the database with the job's lease, so a process that takes the job over, or a `pull` or `reconcile`, asks nothing before then)",
    options: ['WorkosApiOptions.retryMaxMs'],
  },
  pullPageLimit: {
    value: 100,
    unit: 'count',
    description: "events per Events API request (WorkOS's maximum)",
    options: ['PullerOptions.pageLimit'],
  },
  pullCursorName: {
    value: 'events_api',
    description: 'the cursor row of `workos_inbox_pull_cursors`',
    options: ['PullerOptions.cursorName'],
  },
  listPageLimit: {
    value: 10,
    unit: 'count',
    description: "objects per page of the mirror's read API and `GET /events` (WorkOS's default)",
    options: ['PageOptions.limit', 'GET /events?limit'],
  },
  adminListLimit: {
    value: 50,
    unit: 'count',
    description: "rows per page of the admin API's lists, and rows `deliveries list` shows",
    options: ['GET /inbox/events?limit', 'GET /inbox/deliveries?limit', 'deliveries list --limit'],
  },
  listOrder: {
    value: 'desc',
    description: 'list order of the mirror, `GET /events` and the admin API: newest first',
    options: ['PageOptions.order', 'ListOptions.order'],
  },
  metricsPrefix: {
    value: 'workos_inbox_',
    description: 'prefix of every Prometheus metric name',
    options: ['InboxMetricsOptions.prefix', 'createPullMetrics({ prefix })'],
  },
  triggerTimeoutMs: {
    // Longer than `busyTimeoutMs`: a serve whose SQLite write lock stays busy answers 503 after
    // that long, and `trigger` should see that answer rather than give up just before it.
    value: 45 * second,
    unit: 'ms',
    description:
      '`trigger`: give up on one request after this long (longer than `busyTimeoutMs`, so a busy serve’s 503 is seen)',
  },
  listenIntervalMs: {
    value: 2 * second,
    unit: 'ms',
    description: '`listen`: pause between reads of the Events API once caught up',
    options: ['ListenOptions.intervalMs', 'listen --interval-ms'],
  },
  listenRetryBaseMs: {
    value: 1 * second,
    unit: 'ms',
    description: '`listen`: first wait before delivering again to a destination that is down',
    options: ['ListenOptions.retryBaseMs'],
  },
  forwardLeaseMs: {
    value: 30 * second,
    unit: 'ms',
    description: "how long a claimed delivery is the forwarder's (at least its timeout + 5 s)",
    options: ['ForwarderOptions.leaseMs'],
  },
  forwardIdlePollMs: {
    value: 1 * second,
    unit: 'ms',
    description: 'with nothing due, the forwarder looks again after this long',
    options: ['ForwarderOptions.idlePollMs'],
  },
  forwardClaimAheadMax: {
    value: 256,
    unit: 'count',
    description:
      'deliveries a destination claims ahead of its attempts, at most; fewer as its answers slow, so the last one claimed still starts within a quarter of its lease (at least twice its concurrency)',
    options: ['ForwarderOptions.claimAheadMax'],
  },
} as const satisfies Record<string, DefaultEntry>;

/** The name of a setting in {@link defaults}. */
export type DefaultKey = keyof typeof defaults;

/** The settings that are `serve` / `work` flags (each also an environment variable). */
export type FlagKey = {
  [K in DefaultKey]: (typeof defaults)[K] extends { flag: string } ? K : never;
}[DefaultKey];

const units: readonly (readonly [number, string])[] = [
  [hour, 'h'],
  [minute, 'min'],
  [second, 's'],
];

/** `30000 (30 s)`, `1048576 (1 MiB)`: the value with a reading aid for large numbers. */
export function withReadingAid(value: number, unit: DefaultEntry['unit']): string {
  if (unit === 'ms') {
    const found = units.find(([size]) => value >= size && value % size === 0);
    if (found) return `${value} (${value / found[0]} ${found[1]})`;
  }
  if (unit === 'bytes') {
    if (value >= MiB && value % MiB === 0) return `${value} (${value / MiB} MiB)`;
    if (value >= KiB && value % KiB === 0) return `${value} (${value / KiB} KiB)`;
  }
  return String(value);
}

/** The default as `--help` and the docs show it (markdown; `--help` drops the backticks). */
export function shownDefault(entry: DefaultEntry): string {
  if (entry.shown !== undefined) return entry.shown;
  if (entry.value === undefined) return 'none';
  if (typeof entry.value === 'number') return withReadingAid(entry.value, entry.unit);
  const text =
    typeof entry.value === 'string' && /^\.|\//.test(entry.value)
      ? `\`${entry.value}\``
      : String(entry.value);
  return entry.production === undefined ? text : `${text} (production: ${entry.production})`;
}
