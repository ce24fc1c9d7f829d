/**
 * Every `serve` / `work` setting in one table: its flag, its environment variable and its default.
 * The CLI registers flags from this table and `resolveServeConfig` reads it, so the help text,
 * the docs' configuration table and the behaviour cannot drift apart.
 */
export interface ConfigOption {
  /** The key in the raw flag record (commander's camelCase attribute name). */
  key: RawConfigKey;
  /** As written on the command line, e.g. `--port <number>`. */
  flag: string;
  env: string;
  /** Shown in `--help` and in the docs. */
  defaultText: string;
  description: string;
  /** Only for `serve` (the HTTP side); `work` ignores it. */
  serveOnly?: boolean;
  /** Only for `work`. */
  workOnly?: boolean;
  /** The flag may be given several times; the values are joined with commas. */
  repeatable?: boolean;
}

export type RawConfigKey =
  | 'port'
  | 'host'
  | 'database'
  | 'dataDir'
  | 'secret'
  | 'adminToken'
  | 'path'
  | 'toleranceMs'
  | 'handlers'
  | 'worker'
  | 'dashboard'
  | 'processes'
  | 'tlsCert'
  | 'tlsKey'
  | 'trustProxy'
  | 'allowIp'
  | 'maxBodyBytes'
  | 'maxHeaderBytes'
  | 'requestTimeoutMs'
  | 'shutdownTimeoutMs'
  | 'maxAttempts'
  | 'backoffBaseMs'
  | 'backoffCapMs'
  | 'workerConcurrency'
  | 'workerShare'
  | 'leaseMs'
  | 'metricsPort'
  | 'poolSize'
  | 'logLevel'
  | 'retention'
  | 'maxPendingAppends'
  | 'pull'
  | 'pullIntervalMs'
  | 'pullSince'
  | 'apiKey'
  | 'apiUrl'
  | 'forwardTo'
  | 'forwardOrdered'
  | 'forwardTimeoutMs'
  | 'forwardConcurrency';

/** Raw values as strings (flags or environment), before validation. */
export type RawConfig = Partial<Record<RawConfigKey, string>>;

export const configOptions: readonly ConfigOption[] = [
  {
    key: 'port',
    flag: '--port <number>',
    env: 'PORT',
    defaultText: '3000',
    description: 'TCP port to listen on (0 picks a free one)',
    serveOnly: true,
  },
  {
    key: 'host',
    flag: '--host <address>',
    env: 'HOST',
    defaultText: '127.0.0.1 (production: 0.0.0.0)',
    description: 'address to bind (serve; work with --metrics-port)',
  },
  {
    key: 'database',
    flag: '--database <url-or-path>',
    env: 'DATABASE_URL',
    defaultText: '.workos-inbox/inbox.db',
    description: 'a postgres:// URL or a SQLite file path',
  },
  {
    key: 'dataDir',
    flag: '--data-dir <path>',
    env: 'WORKOS_INBOX_DATA_DIR',
    defaultText: '.workos-inbox',
    description: 'folder for the default SQLite file and the development secret and token',
  },
  {
    key: 'secret',
    flag: '--secret <secrets>',
    env: 'WORKOS_WEBHOOK_SECRET',
    defaultText: 'development: generated into the data folder',
    description: 'webhook secret; comma-separated to accept several during rotation',
    serveOnly: true,
  },
  {
    key: 'adminToken',
    flag: '--admin-token <token>',
    env: 'WORKOS_INBOX_ADMIN_TOKEN',
    defaultText: 'development: generated into the data folder',
    description: 'bearer token for /inbox and the directory read API',
    serveOnly: true,
  },
  {
    key: 'path',
    flag: '--path <path>',
    env: 'WORKOS_INBOX_PATH',
    defaultText: '/webhooks/workos',
    description: 'URL path of the webhook endpoint',
    serveOnly: true,
  },
  {
    key: 'toleranceMs',
    flag: '--tolerance-ms <ms>',
    env: 'WORKOS_INBOX_TOLERANCE_MS',
    defaultText: '180000',
    description: 'maximum signature age, as in the official SDK',
    serveOnly: true,
  },
  {
    key: 'handlers',
    flag: '--handlers <module>',
    env: 'WORKOS_INBOX_HANDLERS',
    defaultText: 'none',
    description: 'module exporting event name → async function (default or named exports)',
  },
  {
    key: 'worker',
    flag: '--no-worker',
    env: 'WORKOS_INBOX_WORKER',
    defaultText: 'true',
    description: 'receive only; leave processing to `workos-inbox work` processes',
    serveOnly: true,
  },
  {
    key: 'dashboard',
    flag: '--no-dashboard',
    env: 'WORKOS_INBOX_DASHBOARD',
    defaultText: 'true',
    description: 'do not serve the web dashboard at / (sign-in with the admin token)',
    serveOnly: true,
  },
  {
    key: 'processes',
    flag: '--processes <n>',
    env: 'WORKOS_INBOX_PROCESSES',
    defaultText: '1',
    description: 'run N processes with node:cluster ("auto" = one per core)',
  },
  {
    key: 'tlsCert',
    flag: '--tls-cert <file>',
    env: 'WORKOS_INBOX_TLS_CERT',
    defaultText: 'none',
    description: 'PEM certificate: serve HTTPS natively',
    serveOnly: true,
  },
  {
    key: 'tlsKey',
    flag: '--tls-key <file>',
    env: 'WORKOS_INBOX_TLS_KEY',
    defaultText: 'none',
    description: 'PEM private key for --tls-cert',
    serveOnly: true,
  },
  {
    key: 'trustProxy',
    flag: '--trust-proxy',
    env: 'WORKOS_INBOX_TRUST_PROXY',
    defaultText: 'false',
    description: 'trust X-Forwarded-Proto / X-Forwarded-For from one proxy hop',
    serveOnly: true,
  },
  {
    key: 'allowIp',
    flag: '--allow-ip <addresses>',
    env: 'WORKOS_INBOX_ALLOW_IP',
    defaultText: 'any',
    description: 'comma-separated sender addresses allowed on the webhook path',
    serveOnly: true,
  },
  {
    key: 'maxBodyBytes',
    flag: '--max-body-bytes <n>',
    env: 'WORKOS_INBOX_MAX_BODY_BYTES',
    defaultText: '1048576',
    description: 'larger webhook bodies get 413',
    serveOnly: true,
  },
  {
    key: 'maxHeaderBytes',
    flag: '--max-header-bytes <n>',
    env: 'WORKOS_INBOX_MAX_HEADER_BYTES',
    defaultText: '16384',
    description: 'larger request headers get 431',
    serveOnly: true,
  },
  {
    key: 'requestTimeoutMs',
    flag: '--request-timeout-ms <ms>',
    env: 'WORKOS_INBOX_REQUEST_TIMEOUT_MS',
    defaultText: '30000',
    description: 'a request must arrive completely within this time, else 408',
    serveOnly: true,
  },
  {
    key: 'shutdownTimeoutMs',
    flag: '--shutdown-timeout-ms <ms>',
    env: 'WORKOS_INBOX_SHUTDOWN_TIMEOUT_MS',
    defaultText: '30000',
    description: 'on SIGTERM, wait this long for requests and handlers to finish',
  },
  {
    key: 'maxAttempts',
    flag: '--max-attempts <n>',
    env: 'WORKOS_INBOX_MAX_ATTEMPTS',
    defaultText: '10',
    description: 'attempts before an event is dead (the first one included)',
  },
  {
    key: 'backoffBaseMs',
    flag: '--backoff-base-ms <ms>',
    env: 'WORKOS_INBOX_BACKOFF_BASE_MS',
    defaultText: '1000',
    description: 'retry n waits a random time below min(cap, base × 2^(n-1)) (full jitter)',
  },
  {
    key: 'backoffCapMs',
    flag: '--backoff-cap-ms <ms>',
    env: 'WORKOS_INBOX_BACKOFF_CAP_MS',
    defaultText: '3600000',
    description: 'longest wait between two attempts',
  },
  {
    key: 'workerConcurrency',
    flag: '--worker-concurrency <n>',
    env: 'WORKOS_INBOX_WORKER_CONCURRENCY',
    defaultText: '8',
    description: 'events processed at the same time by each process',
  },
  {
    key: 'workerShare',
    flag: '--worker-share <fraction>',
    env: 'WORKOS_INBOX_WORKER_SHARE',
    defaultText: '0.25',
    description:
      'while requests are in flight, the most of its time the worker spends processing (1: never yield)',
    serveOnly: true,
  },
  {
    key: 'leaseMs',
    flag: '--lease-ms <ms>',
    env: 'WORKOS_INBOX_LEASE_MS',
    defaultText: '30000',
    description: "how soon a crashed worker's events are taken by another",
  },
  {
    key: 'poolSize',
    flag: '--pool-size <n>',
    env: 'WORKOS_INBOX_POOL_SIZE',
    defaultText: '10',
    description:
      'PostgreSQL connections per process (budget: processes × pool size < max_connections)',
  },
  {
    key: 'metricsPort',
    flag: '--metrics-port <number>',
    env: 'WORKOS_INBOX_METRICS_PORT',
    defaultText: 'none',
    description: 'work: serve /healthz, /readyz and /metrics on this port',
    workOnly: true,
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    defaultText: 'info',
    description: 'fatal, error, warn, info, debug or trace',
  },
  {
    key: 'retention',
    flag: '--retention <duration>',
    env: 'WORKOS_INBOX_RETENTION',
    defaultText: 'off',
    description:
      'prune the payload and attempts of done events received longer ago (30d, 12h); ids stay for dedup',
  },
  {
    key: 'maxPendingAppends',
    flag: '--max-pending-appends <n>',
    env: 'WORKOS_INBOX_MAX_PENDING_APPENDS',
    defaultText: '10000',
    description: 'webhooks waiting for a commit, at most; past it new ones get 503 + Retry-After',
    serveOnly: true,
  },
  {
    key: 'pull',
    flag: '--pull',
    env: 'WORKOS_INBOX_PULL',
    defaultText: 'false',
    description: "also pull WorkOS's Events API continuously (one process at a time pulls)",
  },
  {
    key: 'pullIntervalMs',
    flag: '--pull-interval-ms <ms>',
    env: 'WORKOS_INBOX_PULL_INTERVAL_MS',
    defaultText: '5000',
    description: 'with --pull: pause between catch-ups',
  },
  {
    key: 'pullSince',
    flag: '--pull-since <when>',
    env: 'WORKOS_INBOX_PULL_SINCE',
    defaultText: 'now',
    description: 'with --pull, first start only: now, 30m, 12h, 7d or an ISO date',
  },
  {
    key: 'apiKey',
    flag: '--api-key <key>',
    env: 'WORKOS_API_KEY',
    defaultText: 'none',
    description: 'WorkOS API key (sk_…), needed by --pull',
  },
  {
    key: 'apiUrl',
    flag: '--api-url <url>',
    env: 'WORKOS_API_URL',
    defaultText: 'https://api.workos.com',
    description: 'WorkOS API base URL',
  },
  {
    key: 'forwardTo',
    flag: '--forward-to <destination>',
    env: 'WORKOS_INBOX_FORWARD_TO',
    defaultText: 'none',
    description:
      'deliver every event to this endpoint, re-signed (repeatable; URL;events=dsync.*;secret=env:VAR;timeout=5s … see docs/forward.md)',
    repeatable: true,
  },
  {
    key: 'forwardOrdered',
    flag: '--forward-ordered',
    env: 'WORKOS_INBOX_FORWARD_ORDERED',
    defaultText: 'false',
    description:
      "deliver one directory object's events one at a time, in created_at order (per destination: ordered=)",
  },
  {
    key: 'forwardTimeoutMs',
    flag: '--forward-timeout-ms <ms>',
    env: 'WORKOS_INBOX_FORWARD_TIMEOUT_MS',
    defaultText: '10000',
    description: 'one delivery attempt may take this long (per destination: timeout=)',
  },
  {
    key: 'forwardConcurrency',
    flag: '--forward-concurrency <n>',
    env: 'WORKOS_INBOX_FORWARD_CONCURRENCY',
    defaultText: '4',
    description: 'deliveries in flight per destination and process (per destination: concurrency=)',
  },
];
