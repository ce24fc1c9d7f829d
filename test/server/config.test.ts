import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addConfigFlags, typedFlags } from '../../src/cli/config-flags.js';
import { configOptions } from '../../src/server/config-options.js';
import { ConfigError, resolveServeConfig } from '../../src/server/config.js';

const cwd = '/srv/app';
const resolve = (
  flags: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
  mode?: 'serve' | 'work',
) => resolveServeConfig({ flags, env, cwd, ...(mode ? { mode } : {}) });

describe('resolveServeConfig', () => {
  it('has the documented defaults', () => {
    const config = resolve();
    expect(config).toMatchObject({
      production: false,
      port: 3000,
      // Loopback in development: the admin API is plain HTTP there.
      host: '127.0.0.1',
      database: '/srv/app/.workos-inbox/inbox.db',
      dataDir: '/srv/app/.workos-inbox',
      secrets: [],
      adminToken: undefined,
      path: '/webhooks/workos',
      toleranceMs: 180_000,
      worker: true,
      dashboard: true,
      processes: 1,
      tls: undefined,
      trustProxy: false,
      allowIps: [],
      maxBodyBytes: 1_048_576,
      maxHeaderBytes: 16_384,
      requestTimeoutMs: 30_000,
      workerTuning: {
        maxAttempts: 10,
        backoffBaseMs: 1000,
        backoffCapMs: 3_600_000,
        concurrency: 8,
        shareUnderLoad: undefined,
        leaseMs: 30_000,
      },
      poolSize: 10,
      metricsPort: undefined,
      logLevel: 'info',
    });
  });

  it('takes flags over environment variables over defaults', () => {
    expect(resolve({}, { PORT: '8080' }).port).toBe(8080);
    expect(resolve({ port: '9090' }, { PORT: '8080' }).port).toBe(9090);
    expect(resolve({}, { DATABASE_URL: 'postgres://db/inbox' }).database).toBe(
      'postgres://db/inbox',
    );
    expect(
      resolve({ database: 'data/x.db' }, { DATABASE_URL: 'postgres://db/inbox' }).database,
    ).toBe('/srv/app/data/x.db');
    expect(resolve({}, { WORKOS_WEBHOOK_SECRET: 'a, b ,' }).secrets).toEqual(['a', 'b']);
    expect(resolve({ secret: 'c' }, { WORKOS_WEBHOOK_SECRET: 'a' }).secrets).toEqual(['c']);
    expect(resolve({}, { WORKOS_INBOX_WORKER: 'false' }).worker).toBe(false);
    expect(resolve({ worker: 'false' }, { WORKOS_INBOX_WORKER: 'true' }).worker).toBe(false);
    expect(resolve({}, { WORKOS_INBOX_DASHBOARD: 'false' }).dashboard).toBe(false);
    expect(resolve({ dashboard: 'false' }).dashboard).toBe(false);
    expect(resolve({}, { WORKOS_INBOX_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(resolve({}, { WORKOS_INBOX_DATA_DIR: '/var/lib/wi' }).database).toBe(
      '/var/lib/wi/inbox.db',
    );
    expect(resolve({}, { WORKOS_INBOX_WORKER_SHARE: '0.5' }).workerTuning.shareUnderLoad).toBe(0.5);
    expect(resolve({ workerShare: '1' }).workerTuning.shareUnderLoad).toBe(1);
    expect(resolve({}).workerTuning.minRateUnderLoad).toBe(1000);
    expect(resolve({}, { WORKOS_INBOX_WORKER_MIN_RATE: '0' }).workerTuning.minRateUnderLoad).toBe(
      0,
    );
    expect(resolve({ workerMinRate: '250' }).workerTuning.minRateUnderLoad).toBe(250);
    expect(resolve({}).workerTuning.claimCoalesceMs).toBe(10);
    expect(resolve({}, { WORKOS_INBOX_CLAIM_COALESCE_MS: '0' }).workerTuning.claimCoalesceMs).toBe(
      0,
    );
    expect(resolve({ claimCoalesceMs: '25' }).workerTuning.claimCoalesceMs).toBe(25);
    // An empty variable counts as unset (a common docker-compose leftover).
    expect(resolve({}, { PORT: '' }).port).toBe(3000);
  });

  it('every option has a flag, an environment variable and a documented default', () => {
    const keys = new Set(configOptions.map((o) => o.key));
    expect(keys.size).toBe(configOptions.length);
    for (const option of configOptions) {
      expect(option.flag).toMatch(/^--[a-z-]+/);
      expect(option.env).toMatch(/^[A-Z_]+$/);
      expect(option.defaultText).not.toBe('');
    }
    expect(new Set(configOptions.map((o) => o.env)).size).toBe(configOptions.length);
  });

  it('every flag typed on the command line reaches its setting (commander names it after the flag)', () => {
    for (const mode of ['serve', 'work'] as const) {
      const options = configOptions.filter((o) => !(mode === 'work' ? o.serveOnly : o.workOnly));
      const command = addConfigFlags(new Command(mode).exitOverride(), mode);
      const argv = options.flatMap((o) =>
        o.flag.includes('<') ? [o.flag.split(' ')[0]!, '1'] : [o.flag],
      );
      command.parse(argv, { from: 'user' });
      expect(Object.keys(typedFlags(command)).sort()).toEqual(options.map((o) => o.key).sort());
    }
  });

  it('retention is off by default and takes a duration; the append bound defaults to 10000', () => {
    expect(resolve()).toMatchObject({ retentionMs: undefined, maxPendingAppends: 10_000 });
    expect(resolve({ retention: 'off' }).retentionMs).toBeUndefined();
    expect(resolve({ retention: '30d' }).retentionMs).toBe(30 * 86_400_000);
    expect(resolve({}, { WORKOS_INBOX_RETENTION: '12h' }).retentionMs).toBe(12 * 3_600_000);
    expect(resolve({ maxPendingAppends: '500' }).maxPendingAppends).toBe(500);
    for (const bad of ['30', 'forever', '-1d', '30s', '1.5h']) {
      expect(() => resolve({ retention: bad })).toThrow(
        /--retention \(WORKOS_INBOX_RETENTION\) must be "off" or a duration of a minute or more/,
      );
    }
    expect(() => resolve({ maxPendingAppends: '0' })).toThrow(/--max-pending-appends/);
    // The prune interval: derived from --retention unless given.
    expect(resolve({ retention: '30d' }).retentionIntervalMs).toBeUndefined();
    expect(resolve({ retention: '1m', retentionInterval: '5s' }).retentionIntervalMs).toBe(5000);
    expect(resolve({}, { WORKOS_INBOX_RETENTION_INTERVAL: '10m' }).retentionIntervalMs).toBe(
      600_000,
    );
    for (const bad of ['5', 'often', '500ms']) {
      expect(() => resolve({ retentionInterval: bad })).toThrow(
        /--retention-interval \(WORKOS_INBOX_RETENTION_INTERVAL\) must be a duration of a second or more/,
      );
    }
  });

  it('rejects bad values naming the flag and the variable', () => {
    expect(() => resolve({ port: 'http' })).toThrow(/--port \(PORT\) must be a whole number/);
    expect(() => resolve({}, { PORT: '70000' })).toThrow(ConfigError);
    expect(() => resolve({ path: 'webhooks' })).toThrow(/must start with "\/"/);
    expect(() => resolve({ path: '/inbox/hooks' })).toThrow(/collides with a built-in endpoint/);
    expect(() => resolve({ tlsCert: 'cert.pem' })).toThrow(/give both or neither/);
    expect(() => resolve({ allowIp: '10.0.0.1,example.com' })).toThrow(
      /"example.com" is not an IP/,
    );
    expect(() => resolve({ logLevel: 'loud' })).toThrow(/--log-level/);
    // Empty (an unset variable in `--data-dir "$DIR"`): not the current folder, quietly.
    expect(() => resolve({ dataDir: '' })).toThrow(/--data-dir \(WORKOS_INBOX_DATA_DIR\) is empty/);
    expect(() => resolve({ dataDir: ' ' })).toThrow(ConfigError);
    expect(resolve({}, { WORKOS_INBOX_DATA_DIR: '' }).dataDir).toBe('/srv/app/.workos-inbox');
    expect(() => resolve({ worker: 'maybe' })).toThrow(/true or false/);
    expect(() => resolve({ processes: '0' })).toThrow(/--processes/);
    for (const bad of ['-1', '2.5', 'fast']) {
      expect(() => resolve({ workerMinRate: bad })).toThrow(
        /--worker-min-rate \(WORKOS_INBOX_WORKER_MIN_RATE\) must be a whole number from 0 to 1000000/,
      );
    }
    for (const bad of ['-1', '2.5', 'soon', '60001']) {
      expect(() => resolve({ claimCoalesceMs: bad })).toThrow(
        /--claim-coalesce-ms \(WORKOS_INBOX_CLAIM_COALESCE_MS\) must be a whole number from 0 to 60000/,
      );
    }
    for (const bad of ['0', '1.5', '-0.1', 'half', 'NaN']) {
      expect(() => resolve({ workerShare: bad })).toThrow(
        /--worker-share \(WORKOS_INBOX_WORKER_SHARE\) must be a number above 0 and at most 1/,
      );
    }
    // A cap below the base: one line at start, not a stack trace from the worker.
    expect(() => resolve({ backoffBaseMs: '10000', backoffCapMs: '1000' })).toThrow(
      '--backoff-cap-ms (WORKOS_INBOX_BACKOFF_CAP_MS) (1000) must be at least --backoff-base-ms (WORKOS_INBOX_BACKOFF_BASE_MS) (10000)',
    );
  });

  it('the WorkOS API key of --pull: trimmed; blank is none; a line break inside it is refused', () => {
    expect(resolve({ pull: 'true', apiKey: 'sk_test\n' }).pull?.apiKey).toBe('sk_test');
    expect(() => resolve({ pull: 'true', apiKey: '  ' })).toThrow(/needs a WorkOS API key/);
    expect(() => resolve({ pull: 'true', apiKey: 'sk_test\nsk_other' })).toThrow(
      /: the WorkOS API key has a space or line break inside it \(character 8 of 16\)/,
    );
  });

  it('--forward-* settings typed without --forward-to are refused, not dropped', () => {
    expect(() => resolve({ forwardTimeoutMs: '5000' })).toThrow(
      '--forward-timeout-ms applies only with --forward-to (WORKOS_INBOX_FORWARD_TO): add --forward-to to forward events, or leave it out',
    );
    expect(() =>
      resolve(
        {
          forwardOrdered: 'true',
          forwardConcurrency: '8',
          forwardMaxAttempts: '3',
        },
        {},
        'work',
      ),
    ).toThrow('--forward-ordered and --forward-concurrency and --forward-max-attempts apply only');
    // --forward-to from the environment counts; the settings from the environment are left alone.
    expect(
      resolve(
        { forwardConcurrency: '8' },
        { WORKOS_INBOX_FORWARD_TO: 'https://app.example.com/hook', WORKOS_WEBHOOK_SECRET: 'x' },
      ).forward.concurrency,
    ).toBe(8);
    expect(resolve({}, { WORKOS_INBOX_FORWARD_CONCURRENCY: '8' }).forward.spec).toBeUndefined();
  });

  it('--retention-interval typed without --retention is refused, not dropped', () => {
    expect(() => resolve({ retentionInterval: '10m' })).toThrow(
      '--retention-interval applies only with --retention (WORKOS_INBOX_RETENTION): add --retention to prune done events, or leave it out',
    );
    expect(() => resolve({ retention: 'off', retentionInterval: '10m' }, {}, 'work')).toThrow(
      ConfigError,
    );
    // --retention from the environment counts; the interval from the environment is left alone.
    expect(
      resolve({ retentionInterval: '10m' }, { WORKOS_INBOX_RETENTION: '30d' }).retentionIntervalMs,
    ).toBe(600_000);
    expect(resolve({}, { WORKOS_INBOX_RETENTION_INTERVAL: '10m' }).retentionMs).toBeUndefined();
  });

  it('flags of processing typed beside serve --no-worker are refused, not dropped', () => {
    expect(() => resolve({ worker: 'false', retention: '7d' })).toThrow(
      '--retention applies only where events are processed, and serve --no-worker (WORKOS_INBOX_WORKER=false) processes none: give it to `workos-inbox work`, or leave it out',
    );
    // Before the "without --retention" refusal, whose way out would not make it act here.
    expect(() => resolve({ worker: 'false', retentionInterval: '10m' })).toThrow(
      '--retention-interval applies only where events are processed',
    );
    // The same before the "without --forward-to" one.
    expect(() => resolve({ worker: 'false', forwardConcurrency: '8' })).toThrow(
      '--forward-concurrency applies only where events are processed',
    );
    expect(() =>
      resolve({ workerShare: '0.5', workerNice: '5' }, { WORKOS_INBOX_WORKER: 'no' }),
    ).toThrow(
      "--worker-nice and --worker-share apply only to serve's own worker, and serve --no-worker (WORKOS_INBOX_WORKER=false) has none: run serve with its worker (`workos-inbox work` does not take them), or leave them out",
    );
    // What does act in a receiver: --pull (and its lease), forwarding's destinations (queued, with
    // their `ordered`), the pool, the drain.
    const receiver = resolve({
      worker: 'false',
      pull: 'true',
      apiKey: 'sk_test',
      leaseMs: '5000',
      forwardTo: 'https://app.example.com/hook',
      forwardOrdered: 'true',
      secret: 'x',
      poolSize: '4',
      shutdownTimeoutMs: '1000',
    });
    expect(receiver.workerTuning.leaseMs).toBe(5000);
    expect(receiver.forward.ordered).toBe(true);
    // From the environment, shared with the `work` processes: left alone.
    const shared = {
      WORKOS_INBOX_WORKER: 'false',
      WORKOS_INBOX_RETENTION: '7d',
      WORKOS_INBOX_HANDLERS: './handlers.mjs',
      WORKOS_INBOX_MAX_ATTEMPTS: '3',
      WORKOS_INBOX_LEASE_MS: '5000',
      WORKOS_INBOX_WORKER_SHARE: '0.5',
    };
    expect(resolve({}, shared)).toMatchObject({ worker: false, retentionMs: 7 * 86_400_000 });
    // `work` has no --no-worker: the shared WORKOS_INBOX_WORKER=false does not refuse its flags.
    expect(
      resolve({ retention: '7d', maxAttempts: '3', leaseMs: '5000' }, shared, 'work').retentionMs,
    ).toBe(7 * 86_400_000);
  });

  it('--pull-since and --pull-interval-ms typed without --pull are refused, not dropped', () => {
    expect(() => resolve({ pullSince: '7d' })).toThrow(
      '--pull-since applies only with --pull (WORKOS_INBOX_PULL): add --pull to pull the Events API, or leave it out',
    );
    expect(() => resolve({ pullSince: '7d', pullIntervalMs: '1000' }, {}, 'work')).toThrow(
      '--pull-since and --pull-interval-ms apply only with --pull',
    );
    expect(() => resolve({ pull: 'false', pullIntervalMs: '1000' })).toThrow(ConfigError);
    // From an environment that processes which pull and which do not may share: left alone.
    expect(
      resolve({}, { WORKOS_INBOX_PULL_SINCE: '7d', WORKOS_INBOX_PULL_INTERVAL_MS: '1000' }).pull,
    ).toBeUndefined();
    expect(
      resolve({ pull: 'true', apiKey: 'sk_test', pullSince: '7d', pullIntervalMs: '1000' }).pull,
    ).toMatchObject({ since: '7d', intervalMs: 1000 });
  });

  it('work: --host typed without --metrics-port is refused, not dropped (work binds nothing else)', () => {
    expect(() => resolve({ host: '0.0.0.0' }, {}, 'work')).toThrow(
      '--host applies only with --metrics-port (WORKOS_INBOX_METRICS_PORT): add --metrics-port to serve its probes and metrics, or leave it out',
    );
    expect(resolve({ host: '0.0.0.0', metricsPort: '9464' }, {}, 'work').host).toBe('0.0.0.0');
    expect(
      resolve({ host: '0.0.0.0' }, { WORKOS_INBOX_METRICS_PORT: '9464' }, 'work').metricsPort,
    ).toBe(9464);
    // HOST from an environment shared with serve: left alone.
    expect(resolve({}, { HOST: '0.0.0.0' }, 'work').host).toBe('0.0.0.0');
    expect(resolve({ host: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('--api-timeout-ms (WORKOS_API_TIMEOUT_MS) reaches the WorkOS client settings of --pull and --reconcile-every', () => {
    const api = { pull: 'true', reconcileEvery: '24h', apiKey: 'sk_test' };
    const timeouts = (c: ReturnType<typeof resolve>) => [
      c.pull?.apiTimeoutMs,
      c.reconcile?.apiTimeoutMs,
    ];
    expect(timeouts(resolve(api))).toEqual([30_000, 30_000]);
    expect(timeouts(resolve(api, { WORKOS_API_TIMEOUT_MS: '2500' }))).toEqual([2500, 2500]);
    expect(
      timeouts(resolve({ ...api, apiTimeoutMs: '750' }, { WORKOS_API_TIMEOUT_MS: '2500' })),
    ).toEqual([750, 750]);
    for (const bad of ['0', '-5', '1.5', '30s', '600001']) {
      expect(() => resolve({ ...api, apiTimeoutMs: bad })).toThrow(
        /--api-timeout-ms \(WORKOS_API_TIMEOUT_MS\) must be a whole number from 1 to 600000/,
      );
      expect(() =>
        resolve({ reconcileEvery: '24h', apiKey: 'sk_test' }, { WORKOS_API_TIMEOUT_MS: bad }),
      ).toThrow(ConfigError);
    }
  });

  it('in production, refuses a missing secret, a missing or short admin token, and plain HTTP', () => {
    const production = { NODE_ENV: 'production' };
    let error: unknown;
    try {
      resolve({}, production);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('missing_in_production');
    expect((error as Error).message).toContain('WORKOS_WEBHOOK_SECRET');
    expect((error as Error).message).toContain('WORKOS_INBOX_ADMIN_TOKEN');
    expect((error as Error).message).toContain('HTTPS is required');

    const full = {
      ...production,
      WORKOS_WEBHOOK_SECRET: 's',
      WORKOS_INBOX_ADMIN_TOKEN: 'x'.repeat(32),
    };
    expect(() => resolve({}, full)).toThrow(/HTTPS is required/);
    expect(resolve({ trustProxy: 'true' }, full).production).toBe(true);
    // Production listens on every interface unless --host says otherwise; development on loopback.
    expect(resolve({ trustProxy: 'true' }, full).host).toBe('0.0.0.0');
    expect(resolve({ trustProxy: 'true', host: '10.0.0.5' }, full).host).toBe('10.0.0.5');
    expect(resolve({ host: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(resolve({ tlsCert: 'c.pem', tlsKey: 'k.pem' }, full).tls).toEqual({
      certFile: '/srv/app/c.pem',
      keyFile: '/srv/app/k.pem',
    });
    expect(() =>
      resolve({ trustProxy: 'true' }, { ...full, WORKOS_INBOX_ADMIN_TOKEN: 'short' }),
    ).toThrow(/shorter than 16/);
    // A worker-only process verifies nothing and serves nothing: it needs neither.
    expect(resolve({}, production, 'work').production).toBe(true);
  });
});
