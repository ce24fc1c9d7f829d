// serve --pull, in-process: it pulls from the (stand-in) Events API into its inbox, and a WorkOS
// outage leaves /readyz at 200 (readiness is about our database, not WorkOS); --pull without a
// key is a configuration error naming WORKOS_API_KEY.
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

  it('--pull without an API key names WORKOS_API_KEY', () => {
    expect(() => resolveServeConfig({ flags: { pull: 'true' }, env: {}, cwd: temp.dir })).toThrow(
      /WORKOS_API_KEY/,
    );
  });
});
