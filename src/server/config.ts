import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { isAbsolute, join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { DestinationSpecError } from '../forward/destination.js';
import { parseDestinations } from '../forward/parse-destinations.js';
import { defaults } from '../defaults.js';
import { limits } from '../limits.js';
import { configOptions } from './config-options.js';
import { parseDurationMs } from './parse-duration.js';
import type { RawConfig, RawConfigKey } from './config-options.js';
import { sinceMs, sinceRefusal } from '../pull/parse-since.js';
import { databaseProblem, isPostgresUrl } from '../store/open-store.js';
import { apiKeyProblem, trimmedApiKey } from '../workos-api/workos-api-options.js';
import { splitSecretList } from '../signature/options.js';
import {
  schemaNameProblem,
  schemaWithSqliteProblem,
} from '../store/postgres/invalid-schema-error.js';

/** A setting is missing or invalid. The message says which flag and environment variable to fix. */
export class ConfigError extends WorkosInboxError {
  override readonly name = 'ConfigError';
  readonly code: 'invalid_option' | 'missing_in_production';

  constructor(message: string, code: ConfigError['code'] = 'invalid_option') {
    super(message);
    this.code = code;
  }
}

/** Where a credential came from; `undefined` means "generate a development one". */
export type CredentialSource = 'flag' | 'env' | 'development';

/** The validated settings of `serve` and `work`. */
export interface ServeConfig {
  production: boolean;
  port: number;
  host: string;
  /** A postgres:// URL or an absolute SQLite file path. */
  database: string;
  /** Absolute path of the data folder. */
  dataDir: string;
  /** Empty when none was given (development only: one is generated). */
  secrets: string[];
  /** `undefined` when none was given (development only: one is generated). */
  adminToken: string | undefined;
  path: string;
  toleranceMs: number;
  /** Absolute path or package name of the handlers module. */
  handlers: string | undefined;
  worker: boolean;
  /** `serve` runs its worker in a worker thread (`--no-worker-thread`: on the main thread). */
  workerThread: boolean;
  /** Linux: the worker thread's nice value (0: unchanged). See `defaults.workerNice`. */
  workerNice: number;
  /** Serve the web dashboard at `/` (`--no-dashboard` turns it off). */
  dashboard: boolean;
  processes: number;
  tls: { certFile: string; keyFile: string } | undefined;
  trustProxy: boolean;
  /** Empty: every sender is allowed. */
  allowIps: string[];
  maxBodyBytes: number;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** PostgreSQL pool size per process. */
  poolSize: number;
  /** PostgreSQL: the schema of the inbox's tables; undefined: the connection's search_path. */
  schema: string | undefined;
  /** `work`: where /healthz, /readyz and /metrics are served; none by default. */
  metricsPort: number | undefined;
  /** Passed to the inbox's worker. */
  workerTuning: WorkerTuning;
  /** Prune processed events received longer ago than this, in ms; `undefined`: off. */
  retentionMs: number | undefined;
  /** Time between two prune runs, in ms; `undefined`: derived from `retentionMs`. */
  retentionIntervalMs: number | undefined;
  /** Appends waiting for a commit, at most (StoreOptions.maxPendingAppends). */
  maxPendingAppends: number;
  /** `GET /events`: ascending reads list only events received at least this long ago. */
  eventsApiHoldBackMs: number;
  logLevel: string;
  /** `--pull`: pull WorkOS's Events API continuously; undefined when off. */
  pull: PullSettings | undefined;
  /** `--reconcile-every`: periodic reconcile with WorkOS's state; undefined when off. */
  reconcile: ReconcileSettings | undefined;
  forward: ForwardConfig;
}

/** Periodic reconcile's settings in `serve` / `work`. */
export interface ReconcileSettings {
  apiKey: string;
  apiUrl: string;
  /** `--api-timeout-ms`: one request to WorkOS, its answer included. */
  apiTimeoutMs: number;
  everyMs: number;
}

/** The Events API puller's settings in `serve` / `work`. */
export interface PullSettings {
  apiKey: string;
  apiUrl: string;
  /** `--api-timeout-ms`: one request to WorkOS, its answer included. */
  apiTimeoutMs: number;
  intervalMs: number;
  /** `--pull-since` as typed (`now`, `7d`, an ISO date), read when the puller starts. */
  since: string;
  /** `--pull-since` was given (not the default): the puller says when a stored cursor overrides it. */
  sinceGiven: boolean;
}

/** `--forward-to` and its defaults; destinations are parsed once the webhook secret is known. */
export interface ForwardConfig {
  /** The destinations as given (validated), or undefined for no forwarding. */
  spec: string | undefined;
  ordered: boolean;
  timeoutMs: number;
  concurrency: number;
  /** Attempts before a delivery is dead (not the worker's `maxAttempts`). */
  maxAttempts: number;
}

export interface WorkerTuning {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  concurrency: number;
  /**
   * See `WorkerSettings.shareUnderLoad`; only a process that also receives yields. Not given: the
   * worker's default for its backend.
   */
  shareUnderLoad: number | undefined;
  /** See `WorkerSettings.minRateUnderLoad`. */
  minRateUnderLoad: number;
  /** See `WorkerSettings.claimCoalesceMs`. */
  claimCoalesceMs: number;
  leaseMs: number;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ResolveConfigInput {
  /** Values given on the command line (only those the user typed). */
  flags: RawConfig;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `work` skips the HTTP-only checks (secret, admin token, TLS). */
  mode?: 'serve' | 'work';
}

/** A postgres:// URL as given, a SQLite path made absolute, or the default file in the data folder. */
export function resolveDatabase(given: string | undefined, dataDir: string, cwd: string): string {
  if (given === undefined) return join(dataDir, 'inbox.db');
  const option = `${defaults.database.flag.split(' ')[0]} (${defaults.database.env})`;
  // Given empty (`--database "$UNSET"`): the default file would be a different inbox, silently
  // (`migrate` made one). An empty environment variable is read as unset before this.
  if (given.trim() === '') {
    throw new ConfigError(
      `${option} is empty: give a postgres:// URL or a SQLite file path, or leave it out for ` +
        `the default (${join(dataDir, 'inbox.db')})`,
    );
  }
  const problem = databaseProblem(given);
  if (problem !== undefined) throw new ConfigError(`${option}: ${problem}`);
  if (isPostgresUrl(given) || isAbsolute(given)) return given;
  return resolve(cwd, given);
}

/** Flags win over environment variables, which win over defaults. Validated once, here. */
export function resolveServeConfig(input: ResolveConfigInput): ServeConfig {
  const { flags, env, cwd } = input;
  const mode = input.mode ?? 'serve';
  const raw = (key: RawConfigKey): string | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return flag;
    const option = configOptions.find((o) => o.key === key);
    const fromEnv = option ? env[option.env] : undefined;
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const label = (key: RawConfigKey): string => {
    const option = configOptions.find((o) => o.key === key);
    return option ? `${option.flag.split(' ')[0]} (${option.env})` : key;
  };
  /**
   * Flags typed where they would be dropped unsaid are refused, in one line naming them all
   * (`sentence` gets their names, "applies"/"apply" and "it"/"them"). From the environment they are
   * left alone: it may be shared with processes that use them.
   */
  const refuseTyped = (
    keys: readonly RawConfigKey[],
    sentence: (names: string, applies: string, them: 'it' | 'them') => string,
  ): void => {
    const typed = keys.filter((key) => flags[key] !== undefined);
    if (typed.length === 0) return;
    const names = typed.map((key) => label(key).split(' ')[0]).join(' and ');
    const many = typed.length > 1;
    throw new ConfigError(sentence(names, many ? 'apply' : 'applies', many ? 'them' : 'it'));
  };
  /** Flags that only apply beside `needed`, typed without it. */
  const refuseTypedWithout = (
    keys: readonly RawConfigKey[],
    needed: { flag: string; env: string; does: string },
  ): void =>
    refuseTyped(
      keys,
      (names, applies, them) =>
        `${names} ${applies} only with ${needed.flag} (${needed.env}): add ${needed.flag} to ${needed.does}, or leave ${them} out`,
    );
  /** Flags that only act where `serve --no-worker` does not (`where`), typed beside it. */
  const refuseTypedBesideNoWorker = (
    keys: readonly RawConfigKey[],
    where: { appliesOnly: string; there: string; instead: (them: 'it' | 'them') => string },
  ): void =>
    refuseTyped(
      keys,
      (names, applies, them) =>
        `${names} ${applies} only ${where.appliesOnly}, and serve --no-worker (${defaults.worker.env}=false) ${where.there}: ${where.instead(them)}, or leave ${them} out`,
    );
  const integer = (key: RawConfigKey, fallback: number, min: number, max: number): number => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(
        `${label(key)} must be a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return Number(value);
  };
  const fraction = <T extends number | undefined>(key: RawConfigKey, fallback: T): number | T => {
    const value = raw(key);
    if (value === undefined) return fallback;
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) {
      throw new ConfigError(`${label(key)} must be a number above 0 and at most 1, got "${value}"`);
    }
    return n;
  };
  const boolean = (key: RawConfigKey, fallback: boolean): boolean => {
    const value = raw(key)?.trim().toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(`${label(key)} must be true or false, got "${value}"`);
  };
  const list = (value: string | undefined): string[] =>
    (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');

  const worker = boolean('worker', defaults.worker.value);
  const pulling = boolean('pull', defaults.pull.value);
  if (mode === 'serve' && !worker) {
    // Checked first: adding the flag another refusal asks for (--retention, --forward-to) would
    // not make these act here.
    refuseTypedBesideNoWorker(
      [
        'handlers',
        'maxAttempts',
        'backoffBaseMs',
        'backoffCapMs',
        'workerConcurrency',
        'claimCoalesceMs',
        // --pull's lease is this process's too.
        ...(pulling ? [] : (['leaseMs'] as const)),
        // Pruning runs beside the worker (inbox.start()): the processes that finish events prune.
        'retention',
        'retentionInterval',
        // --forward-to and --forward-ordered are registered with the destinations here; these
        // only act where deliveries are sent.
        'forwardTimeoutMs',
        'forwardConcurrency',
        'forwardMaxAttempts',
      ],
      {
        appliesOnly: 'where events are processed',
        there: 'processes none',
        instead: (them) => `give ${them} to \`workos-inbox work\``,
      },
    );
    refuseTypedBesideNoWorker(['workerThread', 'workerNice', 'workerShare', 'workerMinRate'], {
      appliesOnly: "to serve's own worker",
      there: 'has none',
      instead: (them) => `run serve with its worker (\`workos-inbox work\` does not take ${them})`,
    });
  }

  const production = env.NODE_ENV === 'production';
  const dataDirGiven = raw('dataDir');
  // Given empty (`--data-dir "$UNSET"`): resolve() would make it the current folder, quietly.
  if (dataDirGiven?.trim() === '') {
    throw new ConfigError(
      `${label('dataDir')} is empty: give a folder, or leave it out for the default ` +
        `(${defaults.dataDir.value})`,
    );
  }
  const dataDir = resolve(cwd, dataDirGiven ?? defaults.dataDir.value);
  const database = resolveDatabase(raw('database'), dataDir, cwd);
  const schema = raw('schema');
  if (schema !== undefined) {
    if (!isPostgresUrl(database)) {
      throw new ConfigError(schemaWithSqliteProblem(label('schema'), database));
    }
    const problem = schemaNameProblem(schema);
    if (problem !== undefined) throw new ConfigError(`${label('schema')}: ${problem}`);
  }

  const path = raw('path') ?? defaults.path.value;
  if (!path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new ConfigError(`${label('path')} must start with "/" and hold no query, got "${path}"`);
  }
  const reserved = ['/healthz', '/readyz', '/metrics', '/inbox'];
  if (reserved.some((r) => path === r || path.startsWith(`${r}/`))) {
    throw new ConfigError(`${label('path')} "${path}" collides with a built-in endpoint`);
  }

  const processesRaw = raw('processes');
  const processes =
    processesRaw?.trim().toLowerCase() === 'auto'
      ? availableParallelism()
      : integer('processes', defaults.processes.value, 1, 256);

  const certFile = raw('tlsCert');
  const keyFile = raw('tlsKey');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  }
  const tls =
    certFile !== undefined && keyFile !== undefined
      ? { certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) }
      : undefined;

  const allowIps = list(raw('allowIp'));
  for (const ip of allowIps) {
    if (isIP(ip) === 0) throw new ConfigError(`${label('allowIp')}: "${ip}" is not an IP address`);
  }

  const logLevel = (raw('logLevel') ?? defaults.logLevel.value).toLowerCase();
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`${label('logLevel')} must be one of ${logLevels.join(', ')}`);
  }

  const retentionRaw = raw('retention');
  let retentionMs: number | undefined;
  if (retentionRaw !== undefined && retentionRaw.trim().toLowerCase() !== 'off') {
    retentionMs = parseDurationMs(retentionRaw);
    if (retentionMs === undefined || retentionMs < 60_000) {
      throw new ConfigError(
        `${label('retention')} must be "off" or a duration of a minute or more (30d, 12h, 90m), got "${retentionRaw}"`,
      );
    }
  }
  const intervalRaw = raw('retentionInterval');
  const retentionIntervalMs = intervalRaw === undefined ? undefined : parseDurationMs(intervalRaw);
  if (
    intervalRaw !== undefined &&
    (retentionIntervalMs === undefined || retentionIntervalMs < 1000)
  ) {
    throw new ConfigError(
      `${label('retentionInterval')} must be a duration of a second or more (10m, 1h, 30s), got "${intervalRaw}"`,
    );
  }
  if (retentionMs === undefined) {
    refuseTypedWithout(['retentionInterval'], {
      flag: '--retention',
      env: defaults.retention.env,
      does: 'prune done events',
    });
  }

  const handlersRaw = raw('handlers');
  const handlers =
    handlersRaw === undefined
      ? undefined
      : /^[./]/.test(handlersRaw) || isAbsolute(handlersRaw)
        ? resolve(cwd, handlersRaw)
        : handlersRaw;

  const config: ServeConfig = {
    production,
    port: integer('port', defaults.port.value, 0, 65535),
    // Development binds loopback only (its admin API is plain HTTP with a generated token);
    // production listens on every interface, behind TLS or a proxy.
    host: raw('host') ?? (production ? defaults.host.production : defaults.host.value),
    database,
    dataDir,
    secrets: splitSecretList(raw('secret')),
    adminToken: raw('adminToken'),
    path,
    toleranceMs: integer('toleranceMs', defaults.toleranceMs.value, 0, 24 * 3600 * 1000),
    handlers,
    worker,
    workerThread: boolean('workerThread', defaults.workerThread.value),
    workerNice: integer('workerNice', defaults.workerNice.value, 0, 19),
    dashboard: boolean('dashboard', defaults.dashboard.value),
    processes,
    tls,
    trustProxy: boolean('trustProxy', defaults.trustProxy.value),
    allowIps,
    maxBodyBytes: integer('maxBodyBytes', defaults.maxBodyBytes.value, 1024, 100 * 1024 * 1024),
    maxHeaderBytes: integer('maxHeaderBytes', defaults.maxHeaderBytes.value, 1024, 1024 * 1024),
    requestTimeoutMs: integer('requestTimeoutMs', defaults.requestTimeoutMs.value, 1000, 3600_000),
    shutdownTimeoutMs: integer('shutdownTimeoutMs', defaults.shutdownTimeoutMs.value, 0, 3600_000),
    poolSize: integer('poolSize', defaults.poolSize.value, 1, 1000),
    schema,
    metricsPort: raw('metricsPort') === undefined ? undefined : integer('metricsPort', 0, 0, 65535),
    workerTuning: {
      maxAttempts: integer('maxAttempts', defaults.maxAttempts.value, 1, 1000),
      backoffBaseMs: integer('backoffBaseMs', defaults.backoffBaseMs.value, 1, 3600_000),
      backoffCapMs: integer('backoffCapMs', defaults.backoffCapMs.value, 1, 7 * 24 * 3600_000),
      concurrency: integer('workerConcurrency', defaults.workerConcurrency.value, 1, 1000),
      shareUnderLoad: fraction('workerShare', undefined),
      minRateUnderLoad: integer('workerMinRate', defaults.workerMinRate.value, 0, 1_000_000),
      claimCoalesceMs: integer('claimCoalesceMs', defaults.claimCoalesceMs.value, 0, 60_000),
      leaseMs: integer('leaseMs', defaults.leaseMs.value, 1000, 3600_000),
    },
    logLevel,
    retentionMs,
    retentionIntervalMs,
    maxPendingAppends: integer(
      'maxPendingAppends',
      defaults.maxPendingAppends.value,
      1,
      10_000_000,
    ),
    eventsApiHoldBackMs: integer(
      'eventsApiHoldBackMs',
      defaults.eventsApiHoldBackMs.value,
      0,
      3600_000,
    ),
    pull: undefined,
    reconcile: undefined,
    forward: {
      spec: raw('forwardTo'),
      ordered: boolean('forwardOrdered', defaults.forwardOrdered.value),
      timeoutMs: integer('forwardTimeoutMs', defaults.forwardTimeoutMs.value, 1, 600_000),
      concurrency: integer('forwardConcurrency', defaults.forwardConcurrency.value, 1, 1000),
      maxAttempts: integer('forwardMaxAttempts', defaults.forwardMaxAttempts.value, 1, 1000),
    },
  };
  const { backoffBaseMs, backoffCapMs } = config.workerTuning;
  if (backoffCapMs < backoffBaseMs) {
    throw new ConfigError(
      `${label('backoffCapMs')} (${backoffCapMs}) must be at least ${label('backoffBaseMs')} (${backoffBaseMs})`,
    );
  }
  if (config.forward.spec !== undefined) {
    // A flag given empty (`--forward-to "$UNSET"`) would make the database's list of destinations
    // empty, un-configuring every one; an empty environment variable is read as unset.
    if (config.forward.spec.replace(/[\s,]/g, '') === '') {
      throw new ConfigError(
        `${label('forwardTo')} is empty: give a destination URL (leave the flag out to keep the destinations the database has; \`deliveries remove <name>\` removes one)`,
      );
    }
    try {
      // Checked now, so a typo fails at start; the real secret (maybe a development one) comes later.
      parseDestinations(
        config.forward.spec,
        {
          ...forwardDefaults(config),
          secret: config.secrets[0] ?? (production ? undefined : 'development'),
        },
        env,
      );
    } catch (error) {
      if (error instanceof DestinationSpecError) {
        throw new ConfigError(`${label('forwardTo')}: ${error.message}`);
      }
      throw error;
    }
  } else {
    // Only the destinations --forward-to names are sent to.
    refuseTypedWithout(
      ['forwardOrdered', 'forwardTimeoutMs', 'forwardConcurrency', 'forwardMaxAttempts'],
      { flag: '--forward-to', env: defaults.forwardTo.env, does: 'forward events' },
    );
  }
  /** The WorkOS API key, URL and request timeout, which `flag` needs. */
  const workosApi = (flag: string) => {
    const apiKey = trimmedApiKey(raw('apiKey'));
    if (!apiKey) {
      throw new ConfigError(
        `${flag} needs a WorkOS API key: set WORKOS_API_KEY (or --api-key) to an sk_… key from the WorkOS dashboard`,
      );
    }
    const problem = apiKeyProblem(apiKey);
    if (problem) throw new ConfigError(`${flag}: ${problem}`);
    const apiUrl = raw('apiUrl') ?? defaults.apiUrl.value;
    if (!/^https?:\/\/[^/]/.test(apiUrl)) {
      throw new ConfigError(`${label('apiUrl')} must be an http(s):// URL, got "${apiUrl}"`);
    }
    const apiTimeoutMs = integer(
      'apiTimeoutMs',
      defaults.apiTimeoutMs.value,
      1,
      limits.apiTimeoutMaxMs,
    );
    return { apiKey, apiUrl, apiTimeoutMs };
  };
  const reconcileRaw = raw('reconcileEvery');
  if (reconcileRaw !== undefined && reconcileRaw.trim().toLowerCase() !== 'off') {
    const everyMs = parseDurationMs(reconcileRaw);
    if (everyMs === undefined || everyMs < 60_000) {
      throw new ConfigError(
        `${label('reconcileEvery')} must be "off" or a duration of a minute or more (24h, 6h, 30m), got "${reconcileRaw}"`,
      );
    }
    config.reconcile = { ...workosApi('--reconcile-every'), everyMs };
  }
  if (pulling) {
    const api = workosApi('--pull');
    const given = raw('pullSince');
    const since = given ?? defaults.pullSince.value;
    if (sinceMs(since, 0) === undefined) {
      throw new ConfigError(`${label('pullSince')} "${since}": expected ${sinceRefusal(since)}`);
    }
    config.pull = {
      ...api,
      intervalMs: integer('pullIntervalMs', defaults.pullIntervalMs.value, 100, 24 * 3600_000),
      since,
      sinceGiven: given !== undefined,
    };
  } else {
    // `serve --pull-since 7d` would pull nothing.
    refuseTypedWithout(['pullSince', 'pullIntervalMs'], {
      flag: '--pull',
      env: defaults.pull.env,
      does: 'pull the Events API',
    });
  }
  if (!config.pull && !config.reconcile) {
    // `work --api-timeout-ms 100` (or `abc`) was accepted and read by nothing: only the puller
    // and the periodic reconcile call WorkOS's API.
    refuseTyped(
      ['apiKey', 'apiUrl', 'apiTimeoutMs'],
      (names, applies, them) =>
        `${names} ${applies} only with --pull (${defaults.pull.env}) or --reconcile-every ` +
        `(${defaults.reconcileEvery.env}), which call WorkOS's API: add one, or leave ${them} out`,
    );
  }
  if (mode === 'work' && config.metricsPort === undefined) {
    // `work` binds nothing else: `work --host 0.0.0.0` would expose nothing.
    refuseTypedWithout(['host'], {
      flag: '--metrics-port',
      env: defaults.metricsPort.env,
      does: 'serve its probes and metrics',
    });
  }
  if (production && mode === 'serve') checkProduction(config);
  return config;
}

/**
 * What a destination does not set itself: the forwarding flags (attempts included) and the
 * worker's backoff.
 */
export function forwardDefaults(config: ServeConfig): {
  secret: string | undefined;
  timeoutMs: number;
  concurrency: number;
  ordered: boolean;
  maxAttempts: number;
  backoff: { baseMs: number; capMs: number };
} {
  return {
    secret: config.secrets[0],
    timeoutMs: config.forward.timeoutMs,
    concurrency: config.forward.concurrency,
    ordered: config.forward.ordered,
    maxAttempts: config.forward.maxAttempts,
    backoff: { baseMs: config.workerTuning.backoffBaseMs, capMs: config.workerTuning.backoffCapMs },
  };
}

function checkProduction(config: ServeConfig): void {
  const problems: string[] = [];
  if (config.secrets.length === 0) {
    problems.push(
      'no webhook secret: set WORKOS_WEBHOOK_SECRET (or --secret) to the secret shown for your endpoint in the WorkOS dashboard',
    );
  }
  if (config.adminToken === undefined) {
    problems.push(
      'no admin token: set WORKOS_INBOX_ADMIN_TOKEN (or --admin-token) to a long random string; it guards /inbox and the directory read API',
    );
  } else if (config.adminToken.length < 16) {
    problems.push('the admin token is shorter than 16 characters');
  }
  if (config.tls === undefined && !config.trustProxy) {
    problems.push(
      'HTTPS is required: give --tls-cert and --tls-key, or run behind a TLS proxy with --trust-proxy (it must send X-Forwarded-Proto: https)',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `NODE_ENV=production and the configuration is not safe to serve:\n  - ${problems.join('\n  - ')}`,
      'missing_in_production',
    );
  }
}
