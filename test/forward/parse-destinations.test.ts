import { describe, expect, it } from 'vitest';
import { defaults as defaultsTable } from '../../src/defaults.js';
import { matchesEventPattern } from '../../src/forward/destination.js';
import type { Destination } from '../../src/forward/destination.js';
import { parseDestinations } from '../../src/forward/parse-destinations.js';
import { forwardDefaults, resolveServeConfig } from '../../src/server/config.js';

const defaults = {
  secret: 'whsec_default',
  timeoutMs: 10_000,
  concurrency: 4,
  ordered: false,
  maxAttempts: 10,
  backoff: { baseMs: 1000, capMs: 3_600_000 },
};

describe('--forward-to', () => {
  it('parses several destinations, commas inside events= included', () => {
    const [a, b] = parseDestinations(
      'https://u:p@app.example.com/hooks?x=1;events=dsync.*,user.created;secret=env:APP;timeout=5s;concurrency=8;rate=50;ordered;max-attempts=3;backoff-base=2s;backoff-cap=1m,http://other:8080/w',
      defaults,
      { APP: 'whsec_app' },
    );
    expect(a).toMatchObject({
      name: 'https://app.example.com/hooks',
      secret: 'whsec_app',
      events: ['dsync.*', 'user.created'],
      timeoutMs: 5000,
      concurrency: 8,
      ratePerSecond: 50,
      ordered: true,
      maxAttempts: 3,
      backoff: { baseMs: 2000, capMs: 60_000 },
    });
    expect(a!.url.href).toBe('https://u:p@app.example.com/hooks?x=1');
    expect(b).toMatchObject({
      name: 'http://other:8080/w',
      secret: 'whsec_default',
      events: ['*'],
      timeoutMs: 10_000,
    });
  });

  it('names what is wrong', () => {
    const bad =
      (spec: string, env = {}) =>
      () =>
        parseDestinations(spec, defaults, env);
    expect(bad('ftp://x/y')).toThrow(/http:\/\/ or https:\/\//);
    expect(bad('https://x/y;tiemout=5s')).toThrow(/unknown setting "tiemout"/);
    expect(bad('https://x/y;timeout=soon')).toThrow(
      /timeout must be a whole number and a unit like 500ms/,
    );
    // A bare number names both readings instead of picking one (5 ms would fail every attempt).
    expect(bad('https://x/y;timeout=5')).toThrow('timeout needs a unit: timeout=5s or timeout=5ms');
    expect(bad('https://x/y;backoff-base=1.5')).toThrow(/backoff-base needs a unit/);
    expect(bad('https://x/y;timeout=1.5s')).toThrow(/timeout must be a whole number/);
    expect(bad('https://x/y;events=dsync.[a]')).toThrow(/not an event name pattern/);
    expect(bad('https://x/y;secret=env:NOPE')).toThrow(/NOPE is not set/);
    expect(bad('https://x/y,https://x/y')).toThrow(/two destinations are named/);
    // A key given twice would let the second win silently.
    expect(bad('https://x/y;events=dsync.*;events=user.*')).toThrow(
      'https://x/y: events is given twice (list several patterns in one: events=dsync.*,user.*)',
    );
    expect(bad('https://x/y;ordered=maybe')).toThrow('https://x/y: ordered must be true or false');
    // ordered= reads the words the flags' booleans read.
    for (const [text, ordered] of [
      ['yes', true],
      ['on', true],
      ['no', false],
      ['off', false],
    ] as const) {
      expect(parseDestinations(`https://x/y;ordered=${text}`, defaults)[0]!.ordered).toBe(ordered);
    }
    expect(bad('https://x/y;backoff-base=10s;backoff-cap=1s')).toThrow(
      'https://x/y: backoff-cap (1000 ms) must be at least backoff-base (10000 ms)',
    );
    expect(() => parseDestinations('https://x/y', { ...defaults, secret: undefined })).toThrow(
      /no secret/,
    );
  });

  it('never prints a secret, URL credentials or a query: the URL as origin and path', () => {
    const message = (spec: string, options: { noSecret?: boolean } = {}): string => {
      try {
        parseDestinations(spec, options.noSecret ? { ...defaults, secret: undefined } : defaults, {
          EMPTY: '',
        });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${spec} parsed`);
    };
    const secrets = ['whsec_inline_9f8e7d', 'hunter2', 'tok_abc123'];
    const cases: [string, RegExp, { noSecret?: boolean }?][] = [
      // Not a URL at all (the host has a space): the text before the first `;`, redacted.
      [
        'https://admin:hunter2@app example.com/hooks?key=tok_abc123;secret=whsec_inline_9f8e7d',
        /"https:\/\/app example\.com\/hooks" is not a URL/,
      ],
      [
        'admin:hunter2@app.example.com/hooks;secret=whsec_inline_9f8e7d',
        /^"app\.example\.com\/hooks" must be an http/,
      ],
      [
        'ftp://admin:hunter2@files.example.com/in?key=tok_abc123;secret=whsec_inline_9f8e7d',
        /^"ftp:\/\/files\.example\.com\/in" must be an http/,
      ],
      [
        'https://admin:hunter2@app.example.com/hooks?key=tok_abc123;secret=whsec_inline_9f8e7d;tiemout=5s',
        /^https:\/\/app\.example\.com\/hooks: unknown setting "tiemout"/,
      ],
      // A secret pasted without `secret=`: not echoed as an unknown setting's name.
      ['https://app.example.com/hooks;whsec_inline_9f8e7d', /unknown setting, not shown/],
      [
        'https://admin:hunter2@app.example.com/hooks?key=tok_abc123;secret=whsec_inline_9f8e7d;timeout=soon',
        /^https:\/\/app\.example\.com\/hooks: timeout must be a whole number/,
      ],
      [
        'https://admin:hunter2@app.example.com/hooks?key=tok_abc123',
        /^https:\/\/app\.example\.com\/hooks: no secret/,
        { noSecret: true },
      ],
      [
        'https://admin:hunter2@app.example.com/hooks?key=tok_abc123;secret=env:EMPTY',
        /^https:\/\/app\.example\.com\/hooks: secret=env:EMPTY, but EMPTY is not set/,
      ],
    ];
    for (const [spec, expected, options] of cases) {
      const text = message(spec, options);
      expect(text, spec).toMatch(expected);
      for (const secret of secrets) expect(text, spec).not.toContain(secret);
    }
  });

  it('is checked at start, naming the flag and variable', () => {
    expect(() =>
      resolveServeConfig({
        flags: { forwardTo: 'https://x/y;concurrency=0' },
        env: {},
        cwd: '/tmp',
      }),
    ).toThrow(
      /--forward-to \(WORKOS_INBOX_FORWARD_TO\): https:\/\/x\/y: concurrency must be a whole number/,
    );
    // Given empty (`--forward-to "$UNSET"`), it would un-configure every destination: refused.
    for (const forwardTo of ['', ' , ']) {
      expect(() => resolveServeConfig({ flags: { forwardTo }, env: {}, cwd: '/tmp' })).toThrow(
        '--forward-to (WORKOS_INBOX_FORWARD_TO) is empty: give a destination URL',
      );
    }
    const config = resolveServeConfig({
      flags: {},
      env: { WORKOS_INBOX_FORWARD_TO: 'https://x/y', WORKOS_INBOX_FORWARD_ORDERED: 'true' },
      cwd: '/tmp',
    });
    expect(config.forward).toEqual({
      spec: 'https://x/y',
      ordered: true,
      timeoutMs: 10_000,
      concurrency: 4,
      maxAttempts: defaultsTable.forwardMaxAttempts.value,
    });
  });

  it("attempts: forwarding's own default, not the worker's; the flag, the variable, max-attempts=", () => {
    const destinationsOf = (
      flags: Record<string, string>,
      env: NodeJS.ProcessEnv = {},
    ): Destination[] => {
      const config = resolveServeConfig({
        flags: { secret: 'whsec_x', ...flags },
        env,
        cwd: '/tmp',
      });
      return parseDestinations(config.forward.spec!, forwardDefaults(config), env);
    };
    const spec = 'https://a/x,https://b/y;max-attempts=5';
    // --max-attempts is the handlers' setting: it leaves forwarding's alone.
    const [a, b] = destinationsOf({ forwardTo: spec, maxAttempts: '3' });
    expect(defaultsTable.forwardMaxAttempts.value).not.toBe(defaultsTable.maxAttempts.value);
    expect(a!.maxAttempts).toBe(defaultsTable.forwardMaxAttempts.value);
    expect(b!.maxAttempts).toBe(5);
    const fromEnv = destinationsOf(
      { forwardTo: spec },
      { WORKOS_INBOX_FORWARD_MAX_ATTEMPTS: '120' },
    );
    expect(fromEnv.map((d) => d.maxAttempts)).toEqual([120, 5]);
    const fromFlag = destinationsOf(
      { forwardTo: spec, forwardMaxAttempts: '40' },
      { WORKOS_INBOX_FORWARD_MAX_ATTEMPTS: '120' },
    );
    expect(fromFlag.map((d) => d.maxAttempts)).toEqual([40, 5]);
    expect(() => destinationsOf({ forwardTo: spec, forwardMaxAttempts: '0' })).toThrow(
      /--forward-max-attempts/,
    );
  });

  it('patterns match as the database does: * is any run, everything else literal', () => {
    expect(matchesEventPattern('dsync.user.created', 'dsync.*')).toBe(true);
    expect(matchesEventPattern('dsync.user.created', '*.created')).toBe(true);
    expect(matchesEventPattern('dsync.userXcreated', 'dsync.user.created')).toBe(false);
    expect(matchesEventPattern('user.created', 'dsync.*')).toBe(false);
  });
});
