// serve --pull, in-process: it pulls from the (stand-in) Events API into its inbox, and a WorkOS
// outage leaves /readyz at 200 (readiness is about our database, not WorkOS); --pull without a
// key is a configuration error naming WORKOS_API_KEY; --api-timeout-ms reaches the WorkOS client
// of --pull and of --reconcile-every, and both log each of its retries alike; a serve that cannot
// bind its port has pulled nothing.
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/server/config.js';
import { runServe } from '../../src/server/run-server.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { patienceMs } from '../helpers/patience.js';
import { capturedLogs } from '../helpers/captured-logs.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';

const { events } = generateDirectoryHistory({ seed: 2, events: 120 });
let api: WorkosApiStandIn;
const temp = createTempSqlitePath();
beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = events;
});
afterAll(async () => {
  await api.close();
  temp.cleanup();
});

const config = (apiUrl: string, database: string) =>
  resolveServeConfig({
    flags: {
      pull: 'true',
      apiKey: api.apiKey,
      apiUrl,
      pullSince: '2020-01-01T00:00:00Z',
      pullIntervalMs: '100',
      port: '0',
      host: '127.0.0.1',
      database,
      secret: 'whsec_serve_pull',
      adminToken: 'admin_token_serve_pull',
      logLevel: 'silent',
    },
    env: {},
    cwd: temp.dir,
  });

describe('serve --pull', () => {
  it('pulls into its inbox; the worker processes what it pulled', async () => {
    const running = await runServe(config(api.url, `${temp.dir}/a.db`), {
      mode: 'serve',
      logger: pino({ level: 'silent' }),
      printBanner: () => {},
    });
    try {
      await expect
        .poll(async () => (await running.inbox.store.stats(new Date())).byStatus.done, {
          timeout: patienceMs,
        })
        .toBe(events.length);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain(
        `workos_inbox_pull_events_total{outcome="inserted"} ${events.length}`,
      );
      expect(metrics).toContain('workos_inbox_pull_leader 1');
    } finally {
      await running.close();
    }
  });

  it('/metrics counts duplicates by source: webhook redeliveries and events pulled after their webhook', async () => {
    // Webhooks for the first 10 events (one delivered twice) arrive before the first pull.
    const running = await runServe(
      { ...config(api.url, `${temp.dir}/c.db`), pull: undefined },
      { mode: 'serve', logger: pino({ level: 'silent' }), printBanner: () => {} },
    );
    try {
      for (const event of [...events.slice(0, 10), events[0]!]) {
        const body = JSON.stringify(event);
        const res = await fetch(`${running.url}/webhooks/workos`, {
          method: 'POST',
          headers: signedHeaders(body, Date.now(), 'whsec_serve_pull'),
          body,
        });
        expect(res.status).toBe(200);
      }
      const text = await (await fetch(`${running.url}/metrics`)).text();
      expect(text).toContain('workos_inbox_events_duplicate_total{source="webhook"} 1');
      expect(text).toContain('workos_inbox_events_duplicate_total{source="events_api"} 0');
    } finally {
      await running.close();
    }
    // Now with --pull on the same database: the Events API returns those 10 again.
    const pulling = await runServe(config(api.url, `${temp.dir}/c.db`), {
      mode: 'serve',
      logger: pino({ level: 'silent' }),
      printBanner: () => {},
    });
    try {
      const metrics = async () => (await fetch(`${pulling.url}/metrics`)).text();
      await expect
        .poll(metrics, { timeout: patienceMs })
        .toContain(`workos_inbox_pull_events_total{outcome="inserted"} ${events.length - 10}`);
      const text = await metrics();
      expect(text).toContain('workos_inbox_events_duplicate_total{source="events_api"} 10');
      expect(text).toContain('workos_inbox_pull_events_total{outcome="duplicate"} 10');
      // This process received no webhook: the series is there, at 0.
      expect(text).toContain('workos_inbox_events_duplicate_total{source="webhook"} 0');
    } finally {
      await pulling.close();
    }
  });

  it('a serve that cannot bind its port exits having pulled nothing and holding no lease', async () => {
    // Another process has the port. The worker thread (which pulls) used to start first: it
    // pulled a page, moved the cursor and kept the puller lease of a process that had exited.
    const taken = createTcpServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    const database = `${temp.dir}/port-taken.db`;
    const before = api.requests.length;
    try {
      await expect(
        runServe(
          { ...config(api.url, database), port },
          { mode: 'serve', logger: pino({ level: 'silent' }), printBanner: () => {} },
        ),
      ).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
    expect(api.requests.slice(before)).toEqual([]);
    const db = new Database(database, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count('SELECT count(*) AS n FROM workos_inbox_events')).toBe(0);
      expect(count('SELECT count(*) AS n FROM workos_inbox_named_leases')).toBe(0);
    } finally {
      db.close();
    }
  });

  it('a WorkOS outage leaves /readyz at 200', async () => {
    // Nothing listens on the stand-in's port once it is closed.
    const gone = await startWorkosApiStandIn();
    const deadUrl = gone.url;
    await gone.close();
    const running = await runServe(config(deadUrl, `${temp.dir}/b.db`), {
      mode: 'serve',
      logger: pino({ level: 'silent' }),
      printBanner: () => {},
    });
    try {
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('--api-timeout-ms: the requests of --pull and --reconcile-every to a WorkOS that never answers time out after it', async () => {
    const silent = createServer(() => {}); // takes each request and never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { lines: logs, logger } = capturedLogs<{
      msg: string;
      component?: string;
      err?: { message: string };
    }>('warn');
    const running = await runServe(
      resolveServeConfig({
        flags: {
          pull: 'true',
          reconcileEvery: '1h',
          apiKey: api.apiKey,
          apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          apiTimeoutMs: '50',
          port: '0',
          host: '127.0.0.1',
          database: `${temp.dir}/timeout.db`,
          secret: 'whsec_serve_pull',
          adminToken: 'admin_token_serve_pull',
          // On this thread, so that this logger hears the pull and reconcile loops.
          workerThread: 'false',
        },
        env: {},
        cwd: temp.dir,
      }),
      {
        mode: 'serve',
        logger,
        printBanner: () => {},
      },
    );
    try {
      // Each gives up after its retries (the backoff's waits), naming the timeout.
      const failure = (component: string) =>
        logs.find((l) => l.component === component && l.err)?.err?.message;
      await expect.poll(() => failure('pull'), { timeout: patienceMs }).toBeDefined();
      await expect.poll(() => failure('reconcile'), { timeout: patienceMs }).toBeDefined();
      expect(failure('pull')).toMatch(
        /^GET \/events: no answer within 50 ms \(gave up after 6 attempts\)/,
      );
      // Each retry before it was a warning, not silence.
      expect(
        logs.filter(
          (l) =>
            l.component === 'pull' &&
            /^GET \/events: no answer within 50 ms; retrying in \d+ ms$/.test(l.msg),
        ).length,
      ).toBeGreaterThanOrEqual(5);
      expect(failure('reconcile')).toMatch(
        /GET \/organizations: no answer within 50 ms \(gave up after 6 attempts\)/,
      );
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      // Counted as no answer (6 per catch-up; another may have begun since).
      const none = /^workos_inbox_pull_api_errors_total\{status="none"\} (\d+)$/m.exec(metrics);
      expect(Number(none?.[1])).toBeGreaterThanOrEqual(6);
    } finally {
      await running.close();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('--pull and --reconcile-every log each retry of the WorkOS client alike: status, attempt, wait', async () => {
    // One serve per loop, so each takes the faults meant for it (a Retry-After of 0: no wait).
    const retries = async (flags: Record<string, string>, done: RegExp) => {
      const { lines, logger } = capturedLogs<{
        level: number;
        msg: string;
        component?: string;
        status?: number;
        attempt?: number;
        delayMs?: number;
      }>();
      api.state = sampleState();
      api.failNext({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' });
      const running = await runServe(
        resolveServeConfig({
          flags: {
            ...flags,
            apiKey: api.apiKey,
            apiUrl: api.url,
            port: '0',
            host: '127.0.0.1',
            database: `${temp.dir}/retries-${Object.keys(flags)[0]}.db`,
            secret: 'whsec_serve_pull',
            adminToken: 'admin_token_serve_pull',
            // On this thread, so that this logger hears the loops.
            workerThread: 'false',
          },
          env: {},
          cwd: temp.dir,
        }),
        { mode: 'serve', logger, printBanner: () => {} },
      );
      try {
        await expect
          .poll(() => lines.some((l) => done.test(l.msg)), { timeout: patienceMs })
          .toBe(true);
      } finally {
        await running.close();
      }
      return lines
        .filter((l) => l.msg.includes('; retrying in '))
        .map(({ level, msg, component, status, attempt, delayMs }) => ({
          level,
          msg,
          component,
          status,
          attempt,
          delayMs,
        }));
    };
    const pulled = await retries(
      { pull: 'true', pullSince: '2020-01-01T00:00:00Z', pullIntervalMs: '100' },
      /^pulled from the Events API$/,
    );
    const reconciled = await retries({ reconcileEvery: '1h' }, /^reconcile filled empty mirror/);
    const expected = (component: string, path: string) => [
      {
        level: 40,
        msg: `GET ${path}: 429 injected 429; retrying in 0 ms`,
        component,
        status: 429,
        attempt: 1,
        delayMs: 0,
      },
      {
        level: 40,
        msg: `GET ${path}: 503 injected 503; retrying in 0 ms`,
        component,
        status: 503,
        attempt: 2,
        delayMs: 0,
      },
    ];
    expect(reconciled).toEqual(expected('reconcile', '/organizations'));
    expect(pulled).toEqual(expected('pull', '/events'));
  });

  it('--pull without an API key names WORKOS_API_KEY', () => {
    expect(() => resolveServeConfig({ flags: { pull: 'true' }, env: {}, cwd: temp.dir })).toThrow(
      /WORKOS_API_KEY/,
    );
  });
});
