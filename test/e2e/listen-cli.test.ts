// `workos-inbox listen`, the built CLI as a user runs it, against the stand-in Events API: the
// signing secret comes from where `sign`, `trigger` and `verify` take it, and Ctrl-C stops it at
// once, whatever the destination or WorkOS is doing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSecretFile } from '../../src/server/dev-credentials.js';
import { signatureHeader } from '../../src/signature/sign.js';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { patienceMs } from '../helpers/patience.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { childEnv, cliPath, ensureBuilt, runCli, waitFor } from './cli-harness.js';

let api: WorkosApiStandIn;
const temp = createTempSqlitePath();

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
  api.events = [sampleEvent('dsync.user.created', { overrides: { id: 'event_01' } }) as never];
});
const running = new Set<ChildProcess>();
afterAll(async () => {
  // No child outlives the file, even one a failed test left running.
  for (const child of running) child.kill('SIGKILL');
  await api.close();
  temp.cleanup();
});

interface Received {
  body: string;
  signature: string;
  path: string | undefined;
}

/** A destination on loopback that records each request and answers with `answer` (or never). */
async function startDestination(answer: (res: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString(),
        signature: String(req.headers['workos-signature']),
        path: req.url,
      });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`,
    received,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Run `listen` until `ready()`, then Ctrl-C (SIGINT); its exit code and output. A listen that does
 * not stop is killed at the end of the test's patience and fails the test.
 */
async function listenUntil(
  ready: (output: { stdout: string }) => boolean,
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    /** Left out: listen's default destination. */
    forwardTo: string | undefined;
    /** The arguments after `listen` that place it. @defaultValue `--since 2020-01-01T00:00:00Z` */
    since?: string[];
  },
) {
  const since = options.since ?? ['--since', '2020-01-01T00:00:00Z'];
  const child = spawn(
    process.execPath,
    [
      cliPath,
      'listen',
      ...since,
      ...(options.forwardTo === undefined ? [] : ['--forward-to', options.forwardTo]),
    ],
    {
      cwd: options.cwd,
      env: childEnv({ WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      running.delete(child);
      r(code);
    }),
  );
  try {
    await waitFor(async () => ready({ stdout }) || child.exitCode !== null, 'listen to get going');
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), patienceMs);
    const code = await exited;
    clearTimeout(killer);
    return { code, stdout, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The header `listen` sent was made with exactly this one secret. */
function expectSignedWith(received: Received, secret: string) {
  const t = Number(/^t=(\d+)/.exec(received.signature)?.[1]);
  expect(received.signature).toBe(signatureHeader(received.body, secret, t));
}

describe('workos-inbox listen', () => {
  it('signs with the first secret of a comma-separated WORKOS_WEBHOOK_SECRET', async () => {
    const destination = await startDestination((res) => res.writeHead(200).end());
    try {
      const run = await listenUntil(() => destination.received.length > 0, {
        cwd: temp.dir,
        env: { WORKOS_WEBHOOK_SECRET: 'whsec_new, whsec_old' },
        forwardTo: destination.url,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/dsync\.user\.created {2}event_01 {2}200\n/);
      // Every event accepted: nothing to report as refused.
      expect(run.stderr).toContain('stopped: 1 event forwarded\n');
      expect(run.stderr).not.toContain('refused');
      expectSignedWith(destination.received[0]!, 'whsec_new');
    } finally {
      destination.close();
    }
  });

  it('sends to the local serve where trigger does: on PORT, at WORKOS_INBOX_PATH', async () => {
    // A serve started with PORT=… in its environment; listen was sent to port 3000 regardless.
    const destination = await startDestination((res) => res.writeHead(200).end());
    try {
      const run = await listenUntil(() => destination.received.length > 0, {
        cwd: temp.dir,
        env: {
          WORKOS_WEBHOOK_SECRET: 'whsec_test',
          PORT: String(destination.port),
          WORKOS_INBOX_PATH: '/hooks/workos',
        },
        forwardTo: undefined,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(
        `forwarding each to http://127.0.0.1:${destination.port}/hooks/workos`,
      );
      expect(destination.received.map((r) => r.path)).toEqual(['/hooks/workos']);
      expectSignedWith(destination.received[0]!, 'whsec_test');
    } finally {
      destination.close();
    }
  });

  it("takes serve's development secret from WORKOS_INBOX_DATA_DIR", async () => {
    const dataDir = join(temp.dir, 'elsewhere');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, devSecretFile), 'wi_dev_secret_from_env_dir\n');
    const cwd = join(temp.dir, 'empty');
    mkdirSync(cwd, { recursive: true });
    const destination = await startDestination((res) => res.writeHead(200).end());
    try {
      const run = await listenUntil(() => destination.received.length > 0, {
        cwd,
        env: { WORKOS_INBOX_DATA_DIR: dataDir },
        forwardTo: destination.url,
      });
      expect(run.code, run.stderr).toBe(0);
      expectSignedWith(destination.received[0]!, 'wi_dev_secret_from_env_dir');
    } finally {
      destination.close();
    }
  });

  it('Ctrl-C while the destination has not answered stops it; nothing is counted, exit 1', async () => {
    // Never answers (and listen's timeout is 10 s: Ctrl-C comes first, or the run fails).
    const destination = await startDestination(() => {});
    try {
      const run = await listenUntil(() => destination.received.length > 0, {
        cwd: temp.dir,
        env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
        forwardTo: destination.url,
      });
      // Work undone, as an interrupted `pull` or `trigger`: it exited 0 before.
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('stopped: 0 events forwarded');
      // The cursor lives in memory: it says how to send what was not delivered.
      const [event] = api.events as unknown as { id: string; created_at: string }[];
      expect(run.stderr).toContain(
        `not delivered: event_01 (dsync.user.created) and what followed it; to send them, run listen again with --since ${event!.created_at}`,
      );
    } finally {
      destination.close();
    }
  });

  it('Ctrl-C after the destination refused events (401: another secret) exits 1 and says why', async () => {
    const events = api.events;
    api.events = [1, 2].map((n) =>
      sampleEvent('dsync.user.created', { overrides: { id: `event_0${n}` } }),
    ) as never;
    // The endpoint verifies with another secret than listen signs with: it answers 401.
    const destination = await startDestination((res) => res.writeHead(401).end());
    try {
      const run = await listenUntil(({ stdout }) => stdout.split('\n').length > 2, {
        cwd: temp.dir,
        env: { WORKOS_WEBHOOK_SECRET: 'whsec_not_the_endpoints' },
        forwardTo: destination.url,
      });
      // Refused events were passed, not delivered: a script or `&&` sees it. It exited 0 before.
      expect(run.code, run.stderr).toBe(1);
      const advice =
        "most likely the endpoint checks the signature with another secret than the one listen signs with (WORKOS_WEBHOOK_SECRET): give listen the endpoint's secret with --secret or WORKOS_WEBHOOK_SECRET";
      // What to do is said once, on the first refused event's line.
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/ {2}event_01 {2}401 {2}refused, not retried: /);
      expect(lines[0]!.endsWith(advice)).toBe(true);
      expect(lines[1]).toMatch(/ {2}event_02 {2}401$/);
      // The closing summary: how many, the likely cause, and how to send them again.
      const [first] = api.events as unknown as { created_at: string }[];
      expect(run.stderr).toContain(
        `stopped: 0 events forwarded, 2 refused by the destination (3xx or 4xx)\nrefused: 2 events were not delivered (401 ×2); ${advice}; then, to send them, run listen again with --since ${first!.created_at}\n`,
      );
    } finally {
      destination.close();
      api.events = events;
    }
  });

  it("the hint for an event with WorkOS's space-separated created_at is ISO-8601 and, run as given, sends it", async () => {
    const events = api.events;
    api.events = [
      sampleEvent('dsync.user.created', {
        overrides: { id: 'event_01', created_at: '2026-12-07 07:52:48.070' },
      }) as never,
    ];
    try {
      const silent = await startDestination(() => {});
      let hint: string;
      try {
        const run = await listenUntil(() => silent.received.length > 0, {
          cwd: temp.dir,
          env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
          forwardTo: silent.url,
        });
        expect(run.code, run.stderr).toBe(1);
        hint = /run listen again with (.*)\n/.exec(run.stderr)?.[1] ?? '';
        expect(hint).toBe('--since 2026-12-07T07:52:48.070Z');
      } finally {
        silent.close();
      }
      // Pasted as printed (`workos-inbox listen` and the words after `with`, split as a shell
      // splits them), it is taken and sends the event again.
      const destination = await startDestination((res) => res.writeHead(200).end());
      try {
        const again = await listenUntil(() => destination.received.length > 0, {
          cwd: temp.dir,
          env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
          forwardTo: destination.url,
          since: hint.split(/\s+/),
        });
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toMatch(/dsync\.user\.created {2}event_01 {2}200\n/);
      } finally {
        destination.close();
      }
    } finally {
      api.events = events;
    }
  });

  it('an --events name this version does not know is asked for anyway, with a note naming close ones', async () => {
    const asked = api.requests.length;
    const run = await listenUntil(() => api.requests.length > asked, {
      cwd: temp.dir,
      env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
      forwardTo: 'http://127.0.0.1:9/never',
      since: ['--since', '2020-01-01T00:00:00Z', '--events', 'dsync.usr.created'],
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      '"dsync.usr.created" is not an event name this version knows; it is asked for anyway. Did you mean: dsync.user.created',
    );
    expect(api.requests[asked]!.query.get('events')).toBe('dsync.usr.created');
  });

  it('Ctrl-C while WorkOS has not answered stops it, without another request', async () => {
    let release = () => {};
    let asked = 0;
    api.beforeAnswer = () => {
      asked++;
      return new Promise<void>((r) => (release = r));
    };
    try {
      const run = await listenUntil(() => asked > 0, {
        cwd: temp.dir,
        env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
        forwardTo: 'http://127.0.0.1:9/never',
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('stopped: 0 events forwarded');
      expect(run.stderr).not.toContain('Events API error');
      // Its request was abandoned, not timed out and retried (after 30 s: apiTimeoutMs).
      expect(asked).toBe(1);
    } finally {
      api.beforeAnswer = undefined;
      release();
    }
  });

  it('a Retry-After longer than the client waits: one line says until when, WorkOS is not asked again before it; Ctrl-C ends the wait', async () => {
    api.requests.splice(0);
    // A day (the client waits 1 min at most): only Ctrl-C ends this run.
    api.failNext({ status: 429, retryAfter: '86400' });
    const run = await listenUntil(({ stdout }) => stdout.includes('\n'), {
      cwd: temp.dir,
      env: { WORKOS_WEBHOOK_SECRET: 'whsec_test' },
      forwardTo: 'http://127.0.0.1:9/never',
    });
    // It printed `Events API error: …` and asked again every --interval-ms (2 s), against the
    // rate limit of the user's key.
    expect(run.stdout).toMatch(
      /^\d{2}:\d{2}:\d{2} {2}Events API 429: waiting until \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z, as WorkOS's Retry-After asks \(Ctrl-C stops\)\n$/,
    );
    const until = Date.parse(/waiting until (\S+),/.exec(run.stdout)![1]!);
    expect(until).toBeGreaterThan(Date.now() + 86_400_000 - patienceMs);
    expect(api.requests).toHaveLength(1);
    // Ctrl-C during the wait: the closing summary as usual, nothing undone.
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('stopped: 0 events forwarded\n');
  });

  describe('WorkOS ends the run after its first page: the same closing summary, and where to go on from', () => {
    const at = (n: number) => `2026-12-07T08:0${n}:00.000Z`;
    /** Two events, their first page read as usual; `fault` answers the next read. */
    async function stoppedByWorkos(
      fault: { status: number },
      destinationStatus: number,
      events = [1, 2].map((n) =>
        sampleEvent('dsync.user.created', {
          overrides: { id: `event_0${n}`, created_at: at(n) },
        }),
      ),
    ) {
      const saved = api.events;
      api.events = events as never;
      api.afterAnswer = (n) => {
        if (n === 1) api.failNext(fault);
      };
      api.requests.splice(0);
      const destination = await startDestination((res) => res.writeHead(destinationStatus).end());
      try {
        const run = await runCli(
          [
            'listen',
            '--since',
            '2020-01-01T00:00:00Z',
            '--forward-to',
            destination.url,
            '--interval-ms',
            '100',
          ],
          {
            cwd: temp.dir,
            env: {
              WORKOS_API_KEY: api.apiKey,
              WORKOS_API_URL: api.url,
              WORKOS_WEBHOOK_SECRET: 'whsec_test',
            },
          },
        );
        // The first read, then the one WorkOS refused: not retried, nothing read after it.
        expect(api.requests, run.stderr).toHaveLength(2);
        return { ...run, received: destination.received.length };
      } finally {
        destination.close();
        api.afterAnswer = undefined;
        api.events = saved;
      }
    }

    it('a key WorkOS refuses mid-run: the count delivered, the error, the --since that goes on; exit 2', async () => {
      const run = await stoppedByWorkos({ status: 401 }, 200);
      expect(run.code, run.stderr).toBe(2);
      expect(run.received).toBe(2);
      expect(run.stdout).toMatch(/event_01 {2}200\n.*event_02 {2}200\n$/);
      // It exited 2 with the error line alone: nothing said what had been delivered, or from where
      // to go on (`--since now` would skip what WorkOS had not yet handed over).
      expect(run.stderr).toContain(
        `stopped: 2 events forwarded\nworkos-inbox: GET /events: 401 injected 401: WorkOS refused the API key; check WORKOS_API_KEY (or --api-key) and that it belongs to this environment\nnot read: what followed event_02 (dsync.user.created); to send it, run listen again with --since ${at(2)}\n`,
      );
    });

    it('a parameter WorkOS rejects (422) after the endpoint refused events: the refusals, and one --since for both; exit 1', async () => {
      const run = await stoppedByWorkos({ status: 422 }, 401);
      expect(run.code, run.stderr).toBe(1);
      const advice =
        "most likely the endpoint checks the signature with another secret than the one listen signs with (WORKOS_WEBHOOK_SECRET): give listen the endpoint's secret with --secret or WORKOS_WEBHOOK_SECRET";
      expect(run.stderr).toContain(
        `stopped: 0 events forwarded, 2 refused by the destination (3xx or 4xx)\nrefused: 2 events were not delivered (401 ×2); ${advice}; then, to send them, run listen again with --since ${at(1)}\nworkos-inbox: GET /events: 422 injected 422`,
      );
      // From the first refused event: the refused ones and what was not read, in one run.
      expect(run.stderr).toMatch(
        new RegExp(
          `\nnot read: what followed event_02 \\(dsync\\.user\\.created\\); to send it and the refused events, run listen again with --since ${at(1).replace(/\./g, '\\.')}\n$`,
        ),
      );
    });

    it('nothing read yet (a first page without events): from where it started', async () => {
      const run = await stoppedByWorkos({ status: 403 }, 200, []);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('stopped: 0 events forwarded\nworkos-inbox: GET /events: 403');
      expect(run.stderr).toMatch(
        /\nnot read: the events from 2020-01-01T00:00:00\.000Z on; to send them, run listen again with --since 2020-01-01T00:00:00\.000Z\n$/,
      );
    });
  });
});
