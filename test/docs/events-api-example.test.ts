// Runs the README's snippet in which the official SDK reads `GET /events` from serve
// (examples/sdk-reads-events.ts), against serve's request handler on a free port.
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import { createRequestHandler } from '../../src/server/request-handler.js';
import { generateTestWebhook, sampleEvent } from '../../src/testing/index.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';

const secret = 'whsec_docs_events';
const token = 'admin_token_docs_events';

describe('README: the official SDK reads GET /events from serve', () => {
  const temp = createTempSqlitePath();
  afterAll(() => temp.cleanup());

  it('lists the stored dsync.user.created events, oldest first, and no other name', async () => {
    const inbox = await createInbox({ database: temp.path, secret });
    const sent = [
      sampleEvent('dsync.user.created', { seed: 1 }),
      sampleEvent('dsync.group.created', { seed: 2 }),
      sampleEvent('dsync.user.created', { seed: 3 }),
    ];
    for (const payload of sent) {
      const { body, headers } = generateTestWebhook({ secret, payload });
      const res = await inbox.fetch(
        new Request('http://inbox.test/webhooks/workos', { method: 'POST', body, headers }),
      );
      expect(res.status).toBe(200);
    }
    const http = await startHttpServer(
      { port: 0, host: '127.0.0.1', maxHeaderBytes: 8192, requestTimeoutMs: 5000 },
      createRequestHandler({
        store: inbox.store,
        clock: systemClock,
        logger: pino({ level: 'silent' }),
        webhookPath: '/webhooks/workos',
        adminToken: token,
        production: false,
        trustProxy: false,
        allowIps: [],
        metrics: [],
        mirror: createMirrorHandler(inbox.store),
      }),
    );
    try {
      vi.stubEnv('ADMIN_TOKEN', token);
      vi.stubEnv('EVENTS_URL', `${http.url}/`);
      const { data } = await import('./examples/sdk-reads-events.js');
      const created = sent.filter((e) => e.event === 'dsync.user.created');
      expect(data.map((e) => e.id).sort()).toEqual(created.map((e) => e.id).sort());
      expect(data.every((e) => e.event === 'dsync.user.created')).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await http.close(1000);
      await inbox.close();
    }
  });
});
